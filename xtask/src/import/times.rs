//! Time types proposed from the documents and examples: an integer member
//! (or, in answers, a string one) holding Unix seconds becomes
//! `unix_seconds`, a string holding `2006-01-02 15:04:05` `datetime`,
//! `2006-01-02` `date`, ISO 8601 `datetime_iso`. Conservative: a member
//! must be named or documented as a time, every example (the member's own,
//! and its values in the actions' example requests and answers) must fit
//! the one format, and a Unix time needs a document saying so or an
//! example of ten digits; milliseconds and `YYYYMMDD` are left alone.
//! Each proposal, and each time-like member left alone for a reason, is
//! noted.
//!
//! `member_types."Obj.Member"` in the curated overlay has the last word: a
//! type (`unix_seconds`, `datetime`, `datetime_iso`, `date`, or the plain
//! `int64`/`string`) replaces the proposal, `false` rejects it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value, json};

use super::Notes;
use super::curated::Curated;
use super::value_sets::{members_mut, re, text};

/// What the step did, for the import's closing note.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Proposals written, by kind (`unix_seconds`: 3).
    pub proposed: BTreeMap<&'static str, usize>,
    pub confirmed: usize,
    pub corrected: usize,
    pub rejected: usize,
    /// Time-like members left alone: an example or the document disagreed.
    pub left_alone: usize,
}

const UNIX: &str = "unix_seconds";
const DATETIME: &str = "datetime";
const ISO: &str = "datetime_iso";
const DATE: &str = "date";
/// The curated types a member may be given.
const TYPES: [&str; 6] = [UNIX, DATETIME, ISO, DATE, "int64", "string"];

static DATETIME_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"));
static ISO_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$"));
static DATE_RE: LazyLock<Regex> = LazyLock::new(|| re(r"^\d{4}-\d{2}-\d{2}$"));

/// The format one example has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    /// Ten digits (an instant from 2001 to 2286), as a number or a string.
    Unix,
    /// Zero: "none" in a Unix time, fits it but proves nothing.
    Zero,
    DateTime,
    Iso,
    Date,
    /// An empty string: absent.
    Empty,
    Other,
}

fn shape(v: &Value) -> Shape {
    let digits = |n: i64| {
        if n == 0 {
            Shape::Zero
        } else if (1_000_000_000..10_000_000_000).contains(&n) {
            Shape::Unix
        } else {
            Shape::Other
        }
    };
    match v {
        Value::Number(n) => n.as_i64().map_or(Shape::Other, digits),
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                Shape::Empty
            } else if s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_or(Shape::Other, digits)
            } else if DATETIME_RE.is_match(s) {
                Shape::DateTime
            } else if ISO_RE.is_match(s) {
                Shape::Iso
            } else if DATE_RE.is_match(s) {
                Shape::Date
            } else {
                Shape::Other
            }
        }
        _ => Shape::Other,
    }
}

/// What a document says of its member's time format.
fn hint(doc: &str) -> Option<&'static str> {
    let d = doc.to_lowercase();
    if d.contains("yyyy-mm-dd hh:mm:ss") || d.contains("2006-01-02 15:04:05") {
        Some(DATETIME)
    } else if d.contains("iso 8601") || d.contains("iso8601") {
        Some(ISO)
    } else if d.contains("yyyy-mm-dd") {
        Some(DATE)
    } else if d.contains("timestamp") || d.contains("unix") || d.contains("in seconds") {
        Some(UNIX)
    } else {
        None
    }
}

/// Why a time-like member is left alone, if it is.
fn refusal(doc: &str) -> Option<&'static str> {
    let d = doc.to_lowercase();
    if d.contains("millisecond") || d.contains("毫秒") {
        Some("its document says milliseconds")
    } else if d.contains("yyyymm") {
        Some("its document gives a YYYYMMDD or YYYYMM form, which no time type holds")
    } else {
        None
    }
}

fn looks_like_time(name: &str, doc: &str) -> bool {
    let d = doc.to_lowercase();
    name.ends_with("Time")
        || name.ends_with("Date")
        || name.contains("Timestamp")
        || d.contains("timestamp")
        || d.contains("unix time")
}

/// The proposal for a member: its type, or why there is none (`Err`:
/// noted; `Ok(None)`: not a time).
fn propose_one(
    name: &str,
    ty: &str,
    doc: &str,
    examples: &[Value],
    sent: bool,
) -> Result<Option<&'static str>, String> {
    if !looks_like_time(name, doc) {
        return Ok(None);
    }
    if let Some(why) = refusal(doc) {
        return Err(why.to_owned());
    }
    let shapes: BTreeSet<Shape> = examples
        .iter()
        .map(shape)
        .filter(|s| *s != Shape::Empty)
        .collect();
    let from_examples = match shapes.iter().copied().collect::<Vec<_>>().as_slice() {
        [] => None,
        [Shape::Zero] => None,
        [Shape::Unix] | [Shape::Unix, Shape::Zero] => Some(UNIX),
        [Shape::DateTime] => Some(DATETIME),
        [Shape::Iso] => Some(ISO),
        [Shape::Date] => Some(DATE),
        _ => {
            let odd: Vec<String> = examples
                .iter()
                .filter(|v| matches!(shape(v), Shape::Other))
                .map(Value::to_string)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .take(3)
                .collect();
            return Err(if odd.is_empty() {
                "its examples mix formats".to_owned()
            } else {
                format!("example {} fits no time format", odd.join(", "))
            });
        }
    };
    let from_doc = hint(doc);
    let kind = match (from_examples, from_doc) {
        (Some(e), Some(d)) if e != d => {
            return Err(format!("its examples read as {e}, its document as {d}"));
        }
        (Some(k), _) | (None, Some(k)) => k,
        (None, None) => return Ok(None),
    };
    // A Unix time that only zeros stand for is not one yet.
    if kind == UNIX && from_examples.is_none() && from_doc.is_none() {
        return Ok(None);
    }
    match (ty, kind) {
        ("int", UNIX) => Ok(Some(UNIX)),
        ("int", _) => Err(format!("an integer member whose examples read as {kind}")),
        ("string", UNIX) if sent => Err(
            "requests carry it as a string of digits, and unix_seconds is sent as an integer"
                .to_owned(),
        ),
        ("string", k) => Ok(Some(k)),
        _ => Ok(None),
    }
}

/// Every value each member takes in the actions' examples, keyed as
/// curated keys members.
fn observed(spec: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let objects = spec.get("objects").and_then(Value::as_object);
    for (a, action) in spec
        .get("actions")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for ex in action
            .get("examples")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for (part, body) in [
                ("request", ex.get("request")),
                (
                    "response",
                    ex.get("response").and_then(|r| r.get("Response")),
                ),
            ] {
                if let (Some(body), Some(members)) = (body, action[part]["members"].as_array()) {
                    walk(objects, &format!("{a}.{part}"), members, body, 0, &mut out);
                }
            }
        }
    }
    out
}

fn walk(
    objects: Option<&Map<String, Value>>,
    owner: &str,
    members: &[Value],
    body: &Value,
    depth: usize,
    out: &mut BTreeMap<String, Vec<Value>>,
) {
    if depth > 16 {
        return;
    }
    for m in members {
        let name = m["name"].as_str().unwrap_or_default();
        let Some(v) = body.get(name) else { continue };
        let object = m["member"]
            .as_str()
            .and_then(|o| Some((o, objects?.get(o)?["members"].as_array()?)));
        let items: Vec<&Value> = match v {
            Value::Array(items) => items.iter().collect(),
            v => vec![v],
        };
        for item in items {
            match object {
                Some((o, inner)) => walk(objects, o, inner, item, depth + 1, out),
                None if !item.is_null() => {
                    out.entry(format!("{owner}.{name}"))
                        .or_default()
                        .push(item.clone());
                }
                None => {}
            }
        }
    }
}

/// The objects requests reach.
fn sent_objects(spec: &Value) -> BTreeSet<String> {
    let objects = spec.get("objects").and_then(Value::as_object);
    let mut stack: Vec<String> = spec
        .get("actions")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|a| a.values())
        .flat_map(|a| a["request"]["members"].as_array().into_iter().flatten())
        .filter_map(|m| m["member"].as_str().map(str::to_owned))
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(o) = stack.pop() {
        let Some(object) = objects.and_then(|os| os.get(&o)) else {
            continue;
        };
        if seen.insert(o) {
            for m in object["members"].as_array().into_iter().flatten() {
                if let Some(inner) = m["member"].as_str() {
                    stack.push(inner.to_owned());
                }
            }
        }
    }
    seen
}

/// Proposes time types into `spec`, with notes and the tally.
pub fn propose(spec: &mut Value, cur: &Curated<'_>, notes: &mut Notes) -> Result<Tally, String> {
    let mut tally = Tally::default();
    let seen = observed(spec);
    let sent = sent_objects(spec);
    for (key, m) in members_mut(spec) {
        let owned = |k: &str| text(m, k).to_owned();
        let (ty, member, name, doc) = (
            owned("type"),
            owned("member"),
            owned("name"),
            owned("document"),
        );
        let curated = cur.member_types.get(&key);
        if let Some(c) = curated {
            if !(c == &Value::Bool(false) || c.as_str().is_some_and(|t| TYPES.contains(&t))) {
                return Err(format!(
                    "curated.member_types.{key}: expected false or one of {}, got {c}",
                    TYPES.join(", ")
                ));
            }
        }
        // `uint64` members stay as they are: the operations table would
        // lose their unsignedness (and none holds a time upstream).
        let plain = matches!(
            (ty.as_str(), member.as_str()),
            ("int", "int64") | ("string", "string")
        );
        if !plain || m.contains_key("value_set") {
            continue;
        }
        let owner = key.split('.').next().unwrap_or_default();
        let is_sent = key.contains(".request.") || sent.contains(owner);
        let mut examples: Vec<Value> = seen.get(&key).cloned().unwrap_or_default();
        if let Some(e) = m.get("example").filter(|e| e.as_str() != Some("无")) {
            examples.push(e.clone());
        }
        let proposal = propose_one(&name, &ty, &doc, &examples, is_sent);
        match (curated, proposal) {
            (Some(Value::Bool(false)), Ok(Some(kind))) => {
                tally.rejected += 1;
                notes.add(format!(
                    "time type for {key} rejected by curated (proposed: {kind})"
                ));
            }
            (Some(Value::Bool(false)), _) => {}
            (Some(c), proposal) => {
                let want = c.as_str().unwrap_or_default();
                match proposal {
                    Ok(Some(kind)) if kind == want => tally.confirmed += 1,
                    Ok(Some(kind)) => {
                        tally.corrected += 1;
                        notes.add(format!(
                            "time type for {key}: curated {want} replaces the proposal ({kind})"
                        ));
                    }
                    _ => {}
                }
                let base = if ty == "int" {
                    member.as_str()
                } else {
                    "string"
                };
                let set = if want == "int64" || want == "string" {
                    base
                } else {
                    want
                };
                m.insert("member".into(), json!(set));
            }
            (None, Ok(Some(kind))) => {
                *tally.proposed.entry(kind).or_default() += 1;
                notes.add(format!(
                    "proposed time type {kind} for {key} ({ty} member) from its {}",
                    evidence(&doc, &examples)
                ));
                m.insert("member".into(), json!(kind));
            }
            (None, Ok(None)) => {}
            (None, Err(why)) => {
                tally.left_alone += 1;
                notes.add(format!("time type: {key} left {ty}/{member}: {why}"));
            }
        }
    }
    Ok(tally)
}

fn evidence(doc: &str, examples: &[Value]) -> String {
    let shown: Vec<String> = examples
        .iter()
        .filter(|v| !matches!(shape(v), Shape::Empty))
        .map(Value::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .take(2)
        .collect();
    match (hint(doc).is_some(), shown.is_empty()) {
        (true, true) => "document".to_owned(),
        (true, false) => format!("document and examples ({})", shown.join(", ")),
        (false, _) => format!("examples ({})", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(
        name: &str,
        ty: &str,
        doc: &str,
        ex: &[Value],
        sent: bool,
    ) -> Result<Option<&'static str>, String> {
        propose_one(name, ty, doc, ex, sent)
    }

    #[test]
    fn proposals_need_evidence_and_agreement() {
        let unix = json!(1_717_575_381);
        let digits = json!("1717575381");
        assert_eq!(
            one("CreateTime", "int", "Creation time, timestamp", &[], false),
            Ok(Some(UNIX))
        );
        assert_eq!(
            one(
                "CreateTime",
                "int",
                "Creation time",
                &[unix.clone(), json!(0)],
                false
            ),
            Ok(Some(UNIX))
        );
        assert_eq!(
            one(
                "CreateTime",
                "string",
                "Creation time",
                &[digits.clone(), json!("")],
                false
            ),
            Ok(Some(UNIX))
        );
        // No evidence: only zeros, or nothing.
        assert_eq!(
            one(
                "UpdateTime",
                "int",
                "Last modified time.",
                &[json!(0)],
                false
            ),
            Ok(None)
        );
        assert_eq!(
            one("UpdateTime", "int", "Last modified time.", &[], false),
            Ok(None)
        );
        // Not named or documented as a time.
        assert_eq!(
            one(
                "Count",
                "int",
                "How many.",
                std::slice::from_ref(&unix),
                false
            ),
            Ok(None)
        );
        // An example that does not fit, a document that disagrees.
        assert!(
            one(
                "ApplyTime",
                "string",
                "Application time",
                &[digits.clone(), json!("abc")],
                false
            )
            .unwrap_err()
            .contains("\"abc\"")
        );
        assert!(
            one(
                "ApplyTime",
                "int",
                "Application time. Unit: milliseconds.",
                std::slice::from_ref(&unix),
                false
            )
            .is_err()
        );
        assert!(
            one(
                "DataTime",
                "int",
                "Start time in YYYYMMDD format.",
                &[json!(20_251_124)],
                false
            )
            .is_err()
        );
        assert!(
            one(
                "DataTime",
                "string",
                "Start time.",
                &[json!("20251124")],
                false
            )
            .is_err()
        );
        // String forms.
        assert_eq!(
            one(
                "CreateTime",
                "string",
                "Created.",
                &[json!("2025-03-05 12:00:23")],
                false
            ),
            Ok(Some(DATETIME))
        );
        assert_eq!(
            one("DataTime", "string", "Day.", &[json!("2025-12-01")], false),
            Ok(Some(DATE))
        );
        assert_eq!(
            one(
                "At",
                "string",
                "ISO 8601 timestamp",
                &[json!("2025-12-01T00:00:00Z")],
                false
            ),
            Ok(Some(ISO))
        );
        // A string Unix time that requests carry stays a string.
        assert!(one("ExpireTime", "string", "Expiry timestamp", &[digits], true).is_err());
        assert_eq!(
            one("ExpireTime", "int", "Expiry timestamp", &[unix], true),
            Ok(Some(UNIX))
        );
    }

    #[test]
    fn examples_are_read_from_the_actions_and_curated_decides() {
        let mut spec = json!({
            "actions": {"DescribeX": {
                "request": {"members": []},
                "response": {"members": [
                    {"name": "Item", "type": "object", "member": "Item", "document": ""}]},
                "examples": [{"title": "t", "response": {"Response": {"Item": {"CreateTime": "1717575381", "At": "abc", "ChangeTime": 1717575381}}}}]
            }},
            "objects": {"Item": {"document": "", "members": [
                {"name": "CreateTime", "type": "string", "member": "string", "document": "Created."},
                {"name": "At", "type": "int", "member": "int64", "document": "A timestamp."},
                {"name": "ChangeTime", "type": "int", "member": "int64", "document": "Changed."},
                {"name": "Gone", "type": "int", "member": "int64", "document": "Timestamp."}
            ]}}
        });
        let curated = json!({"member_types": {"Item.ChangeTime": "int64", "Item.Gone": false}});
        let cur = Curated::read(Some(&curated)).unwrap();
        let mut notes = Notes::default();
        let tally = propose(&mut spec, &cur, &mut notes).unwrap();
        let member = |i: usize| spec["objects"]["Item"]["members"][i]["member"].clone();
        assert_eq!(member(0), "unix_seconds");
        assert_eq!(member(1), "int64");
        assert_eq!(member(2), "int64");
        assert_eq!(member(3), "int64");
        assert_eq!(tally.proposed.get(UNIX), Some(&1));
        assert_eq!(
            (
                tally.confirmed,
                tally.corrected,
                tally.rejected,
                tally.left_alone
            ),
            (0, 1, 1, 1)
        );
        assert!(
            notes
                .lines
                .iter()
                .any(|n| n.starts_with("time type: Item.At left int/int64: example \"abc\"")),
            "{:?}",
            notes.lines
        );

        let bad = json!({"member_types": {"Item.At": "unix"}});
        let cur = Curated::read(Some(&bad)).unwrap();
        let err = propose(&mut spec, &cur, &mut Notes::default()).unwrap_err();
        assert!(
            err.starts_with("curated.member_types.Item.At: expected false or one of"),
            "{err}"
        );
    }
}
