//! Value sets proposed from the documents: where a member's document lists
//! its values (`1: Pending; 20: Running`, `1-Test 2-Formal`, `Valid values:
//! Develop; Platform; Online`, `Values: [A,B]`, `apple: Apple`), the import
//! proposes a value set (`int64` on integer members, `string` on string
//! ones; names and per-value documents from the text) and notes it.
//!
//! The curated overlay has the last word: `value_set_members."Obj.Member"`
//! naming a set replaces the proposal (counted confirmed when its values are
//! the proposal's, corrected otherwise), `false` rejects it. Identical lists
//! (the same values and names) share one set, named from the member
//! (`TaskStatus`, `ApprovalStatusList` → `ApprovalStatus`); a list equal to
//! a curated set uses that set; a name wanted by different lists is
//! qualified by the owner of each (`DescribeUserListStatus`). A document
//! that reads like a list but does not parse is noted, never guessed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value, json};

use super::Notes;
use super::curated::Curated;

/// What the step did, for the import's closing note.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Members given a proposed set (no curated word on them).
    pub proposed: usize,
    /// Members whose curated set has the proposal's values and names.
    pub confirmed: usize,
    /// Members whose curated set differs from the proposal (values or names).
    pub corrected: usize,
    /// Members whose document names a list the parser could not read, and
    /// curated gives a set.
    pub supplied: usize,
    /// Proposals curated rejects (`false`).
    pub rejected: usize,
    /// Documents that read like a list but did not parse.
    pub unreadable: usize,
    /// Value sets the proposals made (after sharing).
    pub sets: usize,
}

/// A value on the wire.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lit {
    Int(i64),
    Str(String),
}

impl Lit {
    fn json(&self) -> Value {
        match self {
            Lit::Int(n) => json!(n),
            Lit::Str(s) => json!(s),
        }
    }

    fn text(&self) -> String {
        match self {
            Lit::Int(n) => n.to_string(),
            Lit::Str(s) => s.clone(),
        }
    }
}

/// One documented value: the wire value, its variant name (`None`: the
/// generator derives it from a string value) and its document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Documented {
    pub value: Lit,
    pub name: Option<String>,
    pub document: String,
}

/// A list read from a document, and the text before it (the set's own
/// document).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    pub values: Vec<Documented>,
    pub intro: String,
}

/// What a document says of its member's values.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    /// No list.
    Nothing,
    List(List),
    /// It reads like a list (several `N: word` pairs) but did not parse.
    Unreadable,
}

static TAGS: LazyLock<Regex> = LazyLock::new(|| re(r"</?(?:li|p|br|ul|ol)\s*/?>|<[^>]*>"));
static NOTE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\s*note:\s*this field may return null.*$|\s*注意：.*$"));
/// An integer value and its separator, before a label's first letter.
static INT_MARK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\w.\-/])(-?\d+)(\s*[:：=]\s*|\s*-\s*|\.\s+|\s+)[A-Za-z\p{Han}]"));
/// What reads like a pair when counting: `N: word` or `N - word`.
static PAIR_LIKE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\w.])\d+\s*[:：\-]\s*[A-Za-z\p{Han}]"));
/// A number followed by a word inside a label: two values read as one.
static STRAY: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|\s)\d+\.?\s+[A-Za-z]"));
static INTRO: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:valid values?|values|options|enumerations?|取值|可选值)\s*(?:are|include)?\s*[:：]")
});
static KEY_MARK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[\s;,])([A-Za-z][A-Za-z0-9_.\-]*)\s*[:：]\s*\S"));
static DEFAULT: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bdefault(?: value)?\s*[:：]"));
static TOKEN: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z][A-Za-z0-9_\-]*$"));
static BACKTICKS: LazyLock<Regex> = LazyLock::new(|| re(r"`([^`\s]+)`"));
static WORD: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Za-z][A-Za-z0-9]*|[0-9]+"));
static PARENS: LazyLock<Regex> = LazyLock::new(|| re(r"\([^)]*\)|（[^）]*）"));

#[allow(clippy::expect_used)] // constant patterns, exercised by the tests
pub(super) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid pattern")
}

/// The document as text: HTML list items and paragraphs as line breaks,
/// other tags dropped, the "may return null" note cut off.
fn clean(doc: &str) -> String {
    let text = TAGS.replace_all(doc, |c: &regex::Captures<'_>| {
        if c[0].starts_with("<l")
            || c[0].starts_with("</l")
            || c[0].contains('p')
            || c[0].contains("br")
        {
            "\n".to_owned()
        } else {
            " ".to_owned()
        }
    });
    let text = text.replace("&nbsp;", " ");
    NOTE.replace(&text, "").trim().to_owned()
}

/// Reads the values a member's document lists. `string`: the member holds
/// strings (integer-looking values become string values).
pub fn read(doc: &str, string: bool) -> Read {
    let text = clean(doc);
    match int_list(&text) {
        Some(Ok(mut list)) => {
            if string {
                for v in &mut list.values {
                    v.value = Lit::Str(v.value.text());
                }
            }
            return Read::List(list);
        }
        Some(Err(())) => return Read::Unreadable,
        None => {}
    }
    if string {
        if let Some(list) = string_list(&text) {
            return Read::List(list);
        }
    }
    if PAIR_LIKE.find_iter(&text).count() >= 2 {
        return Read::Unreadable;
    }
    Read::Nothing
}

/// `1: Pending; 20: Running`, `1-Test 2-Formal`, `0: All; 1 Available`:
/// `None` without one, `Err` when it is there but does not read cleanly.
fn int_list(text: &str) -> Option<Result<List, ()>> {
    struct Mark {
        start: usize,
        label: usize,
        value: i64,
    }
    let mut marks = Vec::new();
    for c in INT_MARK.captures_iter(text) {
        let (Some(n), Some(sep)) = (c.get(1), c.get(2)) else {
            continue;
        };
        // A value and a label separated by a space or `3.` only counts
        // after a list separator (`; 4 Cancelled`) or right after "Valid
        // values:" (`Valid values: 1 Non-production; 2 Production`), never
        // inside a sentence (`Returns 0 when`).
        let weak = !sep.as_str().contains([':', '：', '=', '-']);
        if weak {
            let before = text[..n.start()].trim_end_matches([' ', '\t']);
            let after_intro = INTRO.find_iter(before).any(|m| m.end() == before.len());
            if !(before.trim_end().is_empty()
                || before.ends_with([';', '；', ',', '\n'])
                || after_intro)
            {
                continue;
            }
        }
        let Ok(value) = n.as_str().parse::<i64>() else {
            continue;
        };
        marks.push(Mark {
            start: n.start(),
            label: sep.end(),
            value,
        });
    }
    let has_intro = INTRO.is_match(text);
    match marks.len() {
        0 => return None,
        1 if !has_intro => {
            // One pair outside a "Valid values:" list is a remark, unless
            // its label swallowed more values (`1- A 2 B`).
            let label = label_text(&text[marks[0].label..]);
            let more = STRAY.is_match(&label) || PAIR_LIKE.find_iter(text).count() >= 2;
            return more.then_some(Err(()));
        }
        _ => {}
    }
    let mut values: Vec<Documented> = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map_or(text.len(), |n| n.start);
        let label = label_text(&text[m.label..end]);
        if label.is_empty() || STRAY.is_match(&label) {
            return Some(Err(()));
        }
        if values.iter().any(|v| v.value == Lit::Int(m.value)) {
            return Some(Err(()));
        }
        values.push(Documented {
            value: Lit::Int(m.value),
            name: Some(variant_name(&label, &Lit::Int(m.value))),
            document: sentence(&label),
        });
    }
    dedupe_names(&mut values);
    let intro = intro_text(&text[..marks[0].start]);
    Some(Ok(List { values, intro }))
}

/// A label up to the end of its sentence or line, without trailing
/// separators.
fn label_text(raw: &str) -> String {
    let mut s = raw;
    for stop in ["\n", ". ", "; ", "；", "。"] {
        if let Some(i) = s.find(stop) {
            s = &s[..i];
        }
    }
    s.trim()
        .trim_end_matches([';', ',', '.', '，', '；', '。', ' '])
        .trim()
        .to_owned()
}

fn intro_text(raw: &str) -> String {
    let s = INTRO.replace(raw, "");
    s.trim()
        .trim_end_matches([':', '：', ';', ',', ' ', '\n'])
        .trim()
        .to_owned()
}

/// `Valid values: Develop; Platform; Online`, `Values: [A,B]`,
/// `` `A`, `B` ``, `apple: Apple; iarc: Android`.
fn string_list(text: &str) -> Option<List> {
    let intro = INTRO.find(text)?;
    let rest = text[intro.end()..].trim_start();
    // The list ends where a default is named (`Default value: en-US.`).
    let rest = DEFAULT.find(rest).map_or(rest, |d| &rest[..d.start()]);
    let head = intro_text(&text[..intro.start()]);
    let plain = |tokens: Vec<&str>| -> Option<List> {
        let tokens: Vec<&str> = tokens
            .into_iter()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        if tokens.len() < 2 || !tokens.iter().all(|t| TOKEN.is_match(t)) {
            return None;
        }
        let mut seen = BTreeSet::new();
        let values = tokens
            .iter()
            .map(|t| {
                seen.insert(*t).then(|| Documented {
                    value: Lit::Str((*t).to_owned()),
                    name: None,
                    document: format!("`{t}`."),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(List {
            values,
            intro: head.clone(),
        })
    };
    if let Some(inner) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        return plain(inner.0.split(',').collect());
    }
    let ticks: Vec<&str> = BACKTICKS
        .captures_iter(rest)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect();
    if ticks.len() >= 2 {
        return plain(ticks);
    }
    // `key: label` pairs.
    let marks: Vec<(usize, usize, String)> = KEY_MARK
        .captures_iter(rest)
        .filter_map(|c| {
            let (all, key) = (c.get(0)?, c.get(1)?);
            Some((all.start(), all.end() - 1, key.as_str().to_owned()))
        })
        .collect();
    if marks.len() >= 2 {
        let mut values = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, (_, label_at, key)) in marks.iter().enumerate() {
            let end = marks.get(i + 1).map_or(rest.len(), |n| n.0);
            let label = label_text(&rest[*label_at..end]);
            if label.is_empty() || !seen.insert(key.clone()) {
                return None;
            }
            values.push(Documented {
                value: Lit::Str(key.clone()),
                name: None,
                document: sentence(&label),
            });
        }
        return Some(List {
            values,
            intro: head,
        });
    }
    // Plain tokens up to the end of the sentence.
    let sentence_end = rest
        .find(". ")
        .or_else(|| rest.find('\n'))
        .unwrap_or(rest.len());
    let list = rest[..sentence_end].trim_end_matches('.');
    plain(
        list.split([';', ','])
            .flat_map(|t| t.split(" or "))
            .collect(),
    )
}

/// `Not effective` → `NotEffective`; `TCMPP + WeChat` → `TcmppWeChat`; a
/// label of no English word → `Value{n}`.
fn variant_name(label: &str, value: &Lit) -> String {
    let plain = PARENS.replace_all(label, " ");
    let plain = plain
        .split([',', '，', '(', '（'])
        .next()
        .unwrap_or_default();
    let words: Vec<String> = WORD
        .find_iter(plain)
        .take(5)
        .map(|w| {
            let w = w.as_str();
            let lower_rest = w.len() > 1
                && w.chars()
                    .skip(1)
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            let mut chars = w.chars();
            let first = chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .unwrap_or_default();
            let rest: String = if lower_rest {
                chars.as_str().to_ascii_lowercase()
            } else {
                chars.as_str().to_owned()
            };
            format!("{first}{rest}")
        })
        .collect();
    let name = words.concat();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        _ => match value {
            Lit::Int(n) if *n < 0 => format!("ValueMinus{}", n.unsigned_abs()),
            v => format!("Value{}", v.text()),
        },
    }
}

/// A second `No` in one set becomes `No2` (its value): names are unique.
fn dedupe_names(values: &mut [Documented]) {
    let mut seen = BTreeSet::new();
    for v in values.iter_mut() {
        if let Some(name) = &mut v.name {
            if !seen.insert(name.clone()) {
                name.push_str(&v.value.text().replace('-', "Minus"));
                seen.insert(name.clone());
            }
        }
    }
}

/// `not effective` → `Not effective.`
fn sentence(label: &str) -> String {
    let mut chars = label.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    // `iOS` stays `iOS`.
    let keep = chars.clone().next().is_some_and(char::is_uppercase);
    let mut s: String = if keep {
        label.to_owned()
    } else {
        first.to_uppercase().chain(chars).collect()
    };
    if !s.ends_with(['.', '!', '?', '。']) {
        s.push('.');
    }
    s
}

/// `ApprovalStatusList` → `ApprovalStatus`, `DomainTypes` → `DomainType`.
fn base_name(member: &str) -> String {
    if let Some(stem) = member.strip_suffix("List").filter(|s| !s.is_empty()) {
        return stem.to_owned();
    }
    if let Some(stem) = member.strip_suffix("Types") {
        return format!("{stem}Type");
    }
    member.to_owned()
}

/// `DescribeUserListData` → `DescribeUserList`; `A.request` → `A`.
fn owner_stem(key: &str) -> String {
    let owner = key.split('.').next().unwrap_or(key);
    for suffix in [
        "Request", "Response", "Resp", "Res", "Req", "Data", "Info", "Param",
    ] {
        if let Some(stem) = owner.strip_suffix(suffix).filter(|s| !s.is_empty()) {
            return stem.to_owned();
        }
    }
    owner.to_owned()
}

/// Every member of the spec, keyed as curated keys them
/// (`Action.request.Member`, `Object.Member`), in spec order.
pub fn members_mut(spec: &mut Value) -> Vec<(String, &mut Map<String, Value>)> {
    let mut out = Vec::new();
    let (actions, objects) = match spec.as_object_mut() {
        Some(root) => {
            let mut actions = None;
            let mut objects = None;
            for (k, v) in root.iter_mut() {
                match k.as_str() {
                    "actions" => actions = v.as_object_mut(),
                    "objects" => objects = v.as_object_mut(),
                    _ => {}
                }
            }
            (actions, objects)
        }
        None => return out,
    };
    for (a, action) in actions.into_iter().flat_map(|m| m.iter_mut()) {
        let Some(action) = action.as_object_mut() else {
            continue;
        };
        for (part, shape) in action.iter_mut() {
            if part != "request" && part != "response" {
                continue;
            }
            let owner = format!("{a}.{part}");
            for m in shape
                .get_mut("members")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(m) = m.as_object_mut() {
                    let name = m.get("name").and_then(Value::as_str).unwrap_or_default();
                    out.push((format!("{owner}.{name}"), m));
                }
            }
        }
    }
    for (o, object) in objects.into_iter().flat_map(|m| m.iter_mut()) {
        for m in object
            .get_mut("members")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(m) = m.as_object_mut() {
                let name = m.get("name").and_then(Value::as_str).unwrap_or_default();
                out.push((format!("{o}.{name}"), m));
            }
        }
    }
    out
}

/// A member's text under `key` (empty when absent).
pub(super) fn text<'a>(m: &'a Map<String, Value>, key: &str) -> &'a str {
    m.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// `(value, name)` pairs: what two lists must share to share a set.
type Signature = (bool, Vec<(Lit, Option<String>)>);

fn signature(list: &List) -> Signature {
    let string = list.values.iter().any(|v| matches!(v.value, Lit::Str(_)));
    (
        string,
        list.values
            .iter()
            .map(|v| (v.value.clone(), v.name.clone()))
            .collect(),
    )
}

/// A curated set's `(value, name)` pairs, read loosely.
fn curated_signature(set: &Value) -> Signature {
    let string = set.get("type").and_then(Value::as_str) == Some("string");
    let values = set
        .get("values")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let lit = match v.get("value")? {
                Value::String(s) => Lit::Str(s.clone()),
                n => Lit::Int(n.as_i64()?),
            };
            let name = v.get("name").and_then(Value::as_str).map(str::to_owned);
            Some((lit, name))
        })
        .collect();
    (string, values)
}

/// The same values in the same order, and no value named otherwise (a
/// name one side leaves out is not a difference).
fn same_values_and_names(a: &Signature, b: &Signature) -> bool {
    a.1.len() == b.1.len()
        && a.1
            .iter()
            .zip(&b.1)
            .all(|((va, na), (vb, nb))| va == vb && (na.is_none() || nb.is_none() || na == nb))
}

fn summary(list: &List) -> String {
    list.values
        .iter()
        .map(|v| match &v.name {
            Some(n) => format!("{} {n}", v.value.text()),
            None => v.value.text(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Proposes value sets into `spec` (already merged, curated `value_set`s
/// on their members), with notes and the tally.
pub fn propose(spec: &mut Value, cur: &Curated<'_>, notes: &mut Notes) -> Tally {
    let mut tally = Tally::default();
    let curated_sets: BTreeMap<String, Value> = cur
        .value_sets
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let object_names: BTreeSet<String> = spec
        .get("objects")
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    // Proposals without a curated word, by signature.
    let mut groups: BTreeMap<Signature, Vec<(String, String, List)>> = BTreeMap::new();
    for (key, m) in members_mut(spec) {
        let ty = text(m, "type");
        let member = text(m, "member");
        let string = match (ty, member) {
            ("int" | "list", "int64" | "uint64") => false,
            ("string" | "list", "string") => true,
            _ => continue,
        };
        let read = read(text(m, "document"), string);
        let curated = cur.value_set_members.get(&key);
        let list = match read {
            Read::Nothing => continue,
            Read::Unreadable => {
                if let Some(Value::String(name)) = curated {
                    tally.supplied += 1;
                    notes.add(format!(
                        "value set for {key}: curated {name} reads its documented list {:?}",
                        clean(text(m, "document"))
                    ));
                } else if curated.is_none() {
                    tally.unreadable += 1;
                    notes.add(format!(
                        "value set: could not read the documented list of {key}: {:?}",
                        clean(text(m, "document"))
                    ));
                }
                continue;
            }
            Read::List(list) => list,
        };
        match curated {
            Some(Value::Bool(false)) => {
                tally.rejected += 1;
                m.remove("value_set");
                notes.add(format!(
                    "value set for {key} rejected by curated (proposed: {})",
                    summary(&list)
                ));
            }
            Some(Value::String(name)) => {
                let theirs = curated_sets.get(name).map(curated_signature);
                if theirs
                    .as_ref()
                    .is_some_and(|t| same_values_and_names(t, &signature(&list)))
                {
                    tally.confirmed += 1;
                } else {
                    tally.corrected += 1;
                    notes.add(format!(
                        "value set for {key}: curated {name} replaces the proposal ({})",
                        summary(&list)
                    ));
                }
            }
            Some(_) => {}
            None => {
                if let Some(ex) = m.get("example").and_then(example_lit) {
                    if !list.values.iter().any(|v| v.value.text() == ex) {
                        notes.add(format!(
                            "value set for {key}: its example {ex} is not a documented value (it decodes as Unknown)"
                        ));
                    }
                }
                let name = text(m, "name").to_owned();
                groups
                    .entry(signature(&list))
                    .or_default()
                    .push((key, name, list));
            }
        }
    }
    let names = name_groups(&groups, &curated_sets, &object_names);
    let mut new_sets = Map::new();
    let mut by_key: BTreeMap<String, String> = BTreeMap::new();
    for (sig, members) in &groups {
        let name = &names[sig];
        let keys: Vec<&str> = members.iter().map(|(k, _, _)| k.as_str()).collect();
        let (_, _, list) = &members[0];
        if !curated_sets.contains_key(name) {
            // The text before the list, preferably of a member the set is
            // named after; a set named by its values is documented as
            // shared.
            let joined = list
                .values
                .iter()
                .filter_map(|v| v.name.as_deref())
                .collect::<Vec<_>>()
                .join("Or");
            let intro = |own: bool| {
                members
                    .iter()
                    .filter(|(_, member, _)| !own || name.ends_with(&base_name(member)))
                    .map(|(_, _, l)| l.intro.as_str())
                    .find(|i| !i.is_empty())
            };
            let document = if joined == *name {
                "A value several unrelated members take: each member's documentation says what it means.".to_owned()
            } else {
                intro(true).or_else(|| intro(false)).map_or_else(
                    || format!("The documented values of {}.", base_name(&members[0].1)),
                    sentence,
                )
            };
            let values: Vec<Value> = list
                .values
                .iter()
                .map(|v| {
                    let mut o = Map::new();
                    o.insert("value".into(), v.value.json());
                    if let Some(n) = &v.name {
                        o.insert("name".into(), json!(n));
                    }
                    o.insert("document".into(), json!(v.document));
                    Value::Object(o)
                })
                .collect();
            new_sets.insert(
                name.clone(),
                json!({
                    "type": if sig.0 { "string" } else { "int64" },
                    "document": document,
                    "values": values,
                }),
            );
        }
        notes.add(format!(
            "proposed value set {name} for {} from {}: {}",
            keys.join(", "),
            if keys.len() == 1 {
                "its document"
            } else {
                "their documents"
            },
            summary(list)
        ));
        tally.proposed += keys.len();
        for k in keys {
            by_key.insert(k.to_owned(), name.clone());
        }
    }
    tally.sets = new_sets.len();
    for (key, m) in members_mut(spec) {
        if let Some(name) = by_key.get(&key) {
            m.insert("value_set".into(), json!(name));
        }
    }
    if !new_sets.is_empty() {
        let sets = spec
            .as_object_mut()
            .map(|root| root.entry("value_sets").or_insert_with(|| json!({})));
        if let Some(Value::Object(sets)) = sets {
            sets.extend(new_sets);
        }
    }
    tally
}

fn example_lit(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() && s != "无" && !s.starts_with('[') => {
            Some(s.trim().to_owned())
        }
        _ => None,
    }
}

/// One name per group: a curated set with the same values and names, else
/// the members' most common base name, qualified by the owner where
/// different lists want it (or it names an object or a curated set).
fn name_groups(
    groups: &BTreeMap<Signature, Vec<(String, String, List)>>,
    curated: &BTreeMap<String, Value>,
    objects: &BTreeSet<String>,
) -> BTreeMap<Signature, String> {
    let mut out = BTreeMap::new();
    let mut wanted: BTreeMap<String, Vec<&Signature>> = BTreeMap::new();
    for (sig, members) in groups {
        if let Some((name, _)) = curated
            .iter()
            .find(|(_, set)| curated_signature(set) == *sig)
        {
            out.insert(sig.clone(), name.clone());
            continue;
        }
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (_, member, _) in members {
            *counts.entry(base_name(member)).or_default() += 1;
        }
        // Most common; ties to the first in name order.
        let (best, count) = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(n, c)| (n.clone(), *c))
            .unwrap_or_default();
        // A short list many unrelated members share (`0: No; 1: Yes` on
        // `IsDefault`, `ApplyShow`, `AccelerateEnable`) is named by its
        // values (`NoOrYes`), not by a minority of its members.
        let names: Vec<&str> = sig.1.iter().filter_map(|(_, n)| n.as_deref()).collect();
        let best = if count * 2 < members.len()
            && names.len() == sig.1.len()
            && (2..=3).contains(&names.len())
        {
            names.join("Or")
        } else {
            best
        };
        wanted.entry(best).or_default().push(sig);
    }
    let mut taken: BTreeSet<String> = curated.keys().cloned().collect();
    taken.extend(objects.iter().cloned());
    taken.extend(out.values().cloned());
    let mut qualified = Vec::new();
    for (name, sigs) in &wanted {
        if sigs.len() == 1 && !taken.contains(name) {
            taken.insert(name.clone());
            out.insert(sigs[0].clone(), name.clone());
        } else {
            for sig in sigs {
                qualified.push((name.clone(), (*sig).clone()));
            }
        }
    }
    for (name, sig) in qualified {
        let first = groups[&sig]
            .iter()
            .map(|(k, _, _)| k.as_str())
            .min()
            .unwrap_or_default();
        let mut candidate = format!("{}{name}", owner_stem(first));
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{}{name}{n}", owner_stem(first));
            n += 1;
        }
        taken.insert(candidate.clone());
        out.insert(sig, candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(r: Read) -> Vec<(String, Option<String>)> {
        match r {
            Read::List(l) => l
                .values
                .into_iter()
                .map(|v| (v.value.text(), v.name))
                .collect(),
            other => panic!("not a list: {other:?}"),
        }
    }

    fn p(v: &str, n: &str) -> (String, Option<String>) {
        (v.to_owned(), Some(n.to_owned()))
    }

    #[test]
    fn the_forms_upstream_writes_read() {
        assert_eq!(
            pairs(read(
                "1: Pending; 20: Running; 30: Failed; 60: Succeeded \nNote: This field may return null, indicating that no valid values can be obtained.",
                false
            )),
            [
                p("1", "Pending"),
                p("20", "Running"),
                p("30", "Failed"),
                p("60", "Succeeded")
            ]
        );
        assert_eq!(
            pairs(read("Application type 1-Test 2-Formal", false)),
            [p("1", "Test"), p("2", "Formal")]
        );
        assert_eq!(
            pairs(read("Approval status 2- Rejected\n3 - Approved", false)),
            [p("2", "Rejected"), p("3", "Approved")]
        );
        assert_eq!(
            pairs(read(
                "Approval status. 1: Processing; 2: Rejected; 3: Approved; 4 Cancelled",
                false
            )),
            [
                p("1", "Processing"),
                p("2", "Rejected"),
                p("3", "Approved"),
                p("4", "Cancelled")
            ]
        );
        assert_eq!(
            pairs(read(
                "Domain type. 1: requests domain; 2: WebView load domain, 3: sockets domain",
                false
            )),
            [
                p("1", "RequestsDomain"),
                p("2", "WebViewLoadDomain"),
                p("3", "SocketsDomain")
            ]
        );
        assert_eq!(
            pairs(read(
                "<p>Version type. Valid values: 1: Debug version; 2: Development version.</p> Default value: 2.</p>",
                false
            )),
            [p("1", "DebugVersion"), p("2", "DevelopmentVersion")]
        );
        assert_eq!(
            pairs(read(
                "Comparison result. Valid values: 1: Increase; 2: Decrease. Returns 0 when SourceMAUNum is 0.",
                false
            )),
            [p("1", "Increase"), p("2", "Decrease")]
        );
        assert_eq!(
            pairs(read("<p>Status. Valid values: 1: Active.</p>", false)),
            [p("1", "Active")]
        );
        assert_eq!(
            pairs(read(
                "Superapp configuration type. Valid values: 1 Non-production; 2 Production.",
                false
            )),
            [p("1", "NonProduction"), p("2", "Production")]
        );
        assert_eq!(
            pairs(read("Action.\n1 Set\n2 Cancel", false)),
            [p("1", "Set"), p("2", "Cancel")]
        );
        // Strings: integer-looking values, lists, pairs.
        assert_eq!(
            pairs(read(
                "Ad unit type. Valid values: 1: Banner; 2: Rewarded.",
                true
            )),
            [p("1", "Banner"), p("2", "Rewarded")]
        );
        let none = |v: &str| (v.to_owned(), None);
        assert_eq!(
            pairs(read(
                "Phase. Values: [Develop,Platform,Online]\nNote: This field may return null.",
                true
            )),
            [none("Develop"), none("Platform"), none("Online")]
        );
        assert_eq!(
            pairs(read(
                "<p>Phase:  Valid values: Develop; Platform; Online.</p>",
                true
            )),
            [none("Develop"), none("Platform"), none("Online")]
        );
        assert_eq!(
            pairs(read(
                "<p>Age rating standard.</p><p>Valid values:</p><ul><li>apple: Apple</li><li>iarc: Android.</li></ul>",
                true
            )),
            [none("apple"), none("iarc")]
        );
        assert_eq!(
            pairs(read(
                "Language type. Valid values: en-US: English; zh-CN: Simplified Chinese.",
                true
            )),
            [none("en-US"), none("zh-CN")]
        );
        assert_eq!(
            pairs(read("Mode. Valid values: `FAST`, `SAFE`.", true)),
            [none("FAST"), none("SAFE")]
        );
        // Chinese labels: documents kept, names fall back to the value.
        match read("状态。1：正常；2：禁用", false) {
            Read::List(l) => {
                assert_eq!(l.values[0].name.as_deref(), Some("Value1"));
                assert_eq!(l.values[1].document, "禁用.");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn what_is_not_a_list_is_not_read_as_one() {
        for doc in [
            "Team expiration time. 0 indicates no expiration.",
            "Page size. Default: 20, maximum 100 items.",
            "Offset. Value range: 1-100",
            "Start time in YYYYMMDD format.",
            "Resource ID returned by the operation. Example value: 2940.",
        ] {
            assert_eq!(read(doc, false), Read::Nothing, "{doc}");
        }
        assert_eq!(
            read("IndexId \nrealtime_pv_num or realtime_uv_num.", true),
            Read::Nothing
        );
    }

    #[test]
    fn a_list_that_reads_wrong_is_unreadable() {
        // "2 WeChat" is inside the first label.
        assert_eq!(
            read("Upload platform 1- TCMPP 2 WeChat 3. TCMPP + WeChat", false),
            Read::Unreadable
        );
        assert_eq!(read("Kind. 1: a; 1: b", false), Read::Unreadable);
    }

    #[test]
    fn equal_lists_share_a_set_and_names_are_settled_deterministically() {
        let spec_for = |docs: &[(&str, &str, &str)]| {
            let mut objects = Map::new();
            for (object, member, doc) in docs {
                let o = objects
                    .entry(object.to_string())
                    .or_insert_with(|| json!({"document": "", "members": []}));
                o["members"].as_array_mut().unwrap().push(
                    json!({"name": member, "type": "int", "member": "int64", "document": doc}),
                );
            }
            json!({"actions": {}, "objects": objects})
        };
        let mut spec = spec_for(&[
            ("A", "TaskStatus", "1: Pending; 2: Done"),
            ("B", "TaskStatus", "1: Pending; 2: Done."),
            ("UserData", "Status", "1: Normal; 2: Disabled"),
            ("TeamData", "Status", "1: Active; 2: Expired"),
            ("C", "Kind", "1: Pending; 2: Done"),
            ("D", "Phase", "0: Pending; 1: Processing"),
            ("E", "Step", "1- TCMPP 2 WeChat 3. Both"),
            ("F", "Rejected", "1: X; 2: Y"),
        ]);
        let curated = json!({
            "value_sets": {"Approval": {"type": "int64", "document": "", "values": [
                {"value": 0, "name": "Pending", "document": ""},
                {"value": 1, "name": "Processing", "document": ""}]}},
            "value_set_members": {"F.Rejected": false}
        });
        let cur = Curated::read(Some(&curated)).unwrap();
        let mut notes = Notes::default();
        let tally = propose(&mut spec, &cur, &mut notes);
        let set_of = |o: &str| {
            spec["objects"][o]["members"][0]
                .get("value_set")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        // A, B and C share one set, named by the commoner member name.
        assert_eq!(set_of("A").as_deref(), Some("TaskStatus"));
        assert_eq!(set_of("B").as_deref(), Some("TaskStatus"));
        assert_eq!(set_of("C").as_deref(), Some("TaskStatus"));
        // Two lists want Status: each is qualified by its owner.
        assert_eq!(set_of("UserData").as_deref(), Some("UserStatus"));
        assert_eq!(set_of("TeamData").as_deref(), Some("TeamStatus"));
        // A list equal to a curated set uses it.
        assert_eq!(set_of("D").as_deref(), Some("Approval"));
        assert_eq!(set_of("E"), None);
        assert_eq!(set_of("F"), None);
        assert_eq!(
            tally,
            Tally {
                proposed: 6,
                confirmed: 0,
                corrected: 0,
                rejected: 1,
                unreadable: 1,
                supplied: 0,
                sets: 3
            }
        );
        let sets = spec["value_sets"].as_object().unwrap();
        assert_eq!(
            sets.keys().collect::<Vec<_>>(),
            ["TaskStatus", "TeamStatus", "UserStatus"]
        );
        assert_eq!(sets["TaskStatus"]["values"][1]["document"], "Done.");
        assert!(notes.lines.iter().any(|n| n == "proposed value set TaskStatus for A.TaskStatus, B.TaskStatus, C.Kind from their documents: 1 Pending, 2 Done"), "{:?}", notes.lines);
        assert!(
            notes
                .lines
                .iter()
                .any(|n| n.starts_with("value set: could not read the documented list of E.Step"))
        );
        assert!(
            notes
                .lines
                .iter()
                .any(|n| n.starts_with("value set for F.Rejected rejected by curated"))
        );
    }

    /// Curated on a member: the same values and names confirm the
    /// proposal, other names (or values) correct it, and a set on a list
    /// the parser could not read supplies one; each is counted.
    #[test]
    fn curated_sets_confirm_correct_and_supply() {
        let member = |doc: &str| {
            json!({"document": "", "members": [
            {"name": "Kind", "type": "int", "member": "int64", "document": doc}]})
        };
        let mut spec = json!({"actions": {}, "objects": {
            "Same": member("1: System; 2: Custom"),
            "Renamed": member("1: System API; 2: Custom API"),
            "Unread": member("Kind 1 - System API 2 Custom API"),
        }});
        let curated = json!({
            "value_sets": {"ApiType": {"type": "int64", "document": "", "values": [
                {"value": 1, "name": "System", "document": ""},
                {"value": 2, "name": "Custom", "document": ""}]}},
            "value_set_members": {"Same.Kind": "ApiType", "Renamed.Kind": "ApiType", "Unread.Kind": "ApiType"}
        });
        let cur = Curated::read(Some(&curated)).unwrap();
        let mut notes = Notes::default();
        let tally = propose(&mut spec, &cur, &mut notes);
        assert_eq!(
            (
                tally.confirmed,
                tally.corrected,
                tally.supplied,
                tally.unreadable
            ),
            (1, 1, 1, 0),
            "{tally:?}"
        );
        assert!(
            notes
                .lines
                .iter()
                .any(|n| n.contains("curated ApiType replaces the proposal")),
            "{:?}",
            notes.lines
        );
    }
}
