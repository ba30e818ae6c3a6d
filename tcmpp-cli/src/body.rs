//! `call`'s body: read (`--json` as given, `@FILE` or `-`), parsed strictly,
//! and checked against the action's request members before anything is sent.

use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::Service;
use tencentcloud_runtime::file::{FileError, read_regular_file};
use tencentcloud_runtime::operation::OperationInfo;

/// The largest `--json` body `call` reads (from an argument, file or stdin).
pub const MAX_BODY: usize = 1 << 20;

/// The action named `name`, or a problem that suggests the closest names.
pub fn find_action(service: Service, name: &str) -> Result<&'static OperationInfo, String> {
    let operations = service.info().operations;
    if let Some(op) = operations.iter().find(|op| op.action == name) {
        return Ok(op);
    }
    let list = if service.is_default() {
        "`tcmpp actions`".to_owned()
    } else {
        format!("`tcmpp --service {} actions`", service.flag())
    };
    Err(format!(
        "unknown action {name:?}{} ({list} lists {}'s)",
        did_you_mean(name, operations.iter().map(|op| op.action)),
        service.info().name.to_uppercase()
    ))
}

/// The body of `call`: `--json` as given, `@FILE` (a regular file: a FIFO
/// or device is refused, never waited on), or `-` or `@-` for stdin, at
/// most [`MAX_BODY`] bytes, parsed as one JSON object with no repeated key.
/// The problem never quotes the body (it may hold a token).
pub fn read_body(json: &str) -> Result<Map<String, Value>, String> {
    let too_large = || {
        format!(
            "the --json body is over {} MiB; call takes at most that",
            MAX_BODY >> 20
        )
    };
    let bytes = if json == "-" || json == "@-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read the --json body from stdin: {e}"))?;
        bytes
    } else if let Some(path) = json.strip_prefix('@') {
        if path.is_empty() {
            return Err("--json @FILE needs a file name after @".to_owned());
        }
        read_regular_file(Path::new(path), MAX_BODY as u64).map_err(|e| match e {
            FileError::TooLarge { .. } => too_large(),
            e => format!("cannot read the --json body from {path:?}: {e}"),
        })?
    } else {
        json.as_bytes().to_vec()
    };
    if bytes.len() > MAX_BODY {
        return Err(too_large());
    }
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let Strict(value) = serde_json::from_slice(text)
        .map_err(|e| format!("the --json body is not valid JSON: {e}"))?;
    match value {
        Value::Object(members) => Ok(members),
        other => Err(format!(
            "the --json body must be a JSON object ({{\"Member\": ...}}), not {}",
            match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                Value::Array(_) => "an array",
                Value::Object(_) => "an object",
            }
        )),
    }
}

/// The body's top-level members against the action's request members: each
/// must be one of them, and each required one must be there (and not null).
pub fn check_members(op: &OperationInfo, body: &Map<String, Value>) -> Vec<String> {
    let names = || op.request.iter().map(|p| p.name);
    let mut problems = Vec::new();
    for key in body.keys().filter(|k| !names().any(|n| n == k.as_str())) {
        let valid = if op.request.is_empty() {
            "it takes none".to_owned()
        } else {
            format!("valid members: {}", names().collect::<Vec<_>>().join(", "))
        };
        problems.push(format!(
            "{} has no member {key:?}{}; {valid}",
            op.action,
            did_you_mean(key, names())
        ));
    }
    for p in op.request.iter().filter(|p| p.required) {
        if body.get(p.name).is_none_or(Value::is_null) {
            problems.push(format!("{} needs the member {:?}", op.action, p.name));
        }
    }
    problems
}

/// ` (did you mean A or B?)` for the candidates closest to `word`: one that
/// differs only in case, else up to three within a few edits.
fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let lower = word.to_lowercase();
    let mut close: Vec<(usize, &str)> = candidates
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|&(d, c)| d <= 2.max(word.chars().count().max(c.chars().count()) / 4))
        .collect();
    close.sort();
    if close.first().is_some_and(|&(d, _)| d == 0) {
        close.truncate(1);
    }
    let names: Vec<&str> = close.iter().take(3).map(|&(_, c)| c).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        [init @ .., last] => format!(" (did you mean {} or {last}?)", init.join(", ")),
    }
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// A JSON value read with repeated object keys refused: serde_json would
/// silently keep the last, sending something other than what was written.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict(Value::Null))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Strict, E> {
        Ok(Strict(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Strict, E> {
        Ok(Strict(Value::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Strict, E> {
        Ok(Strict(Value::String(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Strict(Value::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "member {key:?} is repeated"
                )));
            }
            let Strict(value) = map.next_value()?;
            members.insert(key, value);
        }
        Ok(Strict(Value::Object(members)))
    }
}
