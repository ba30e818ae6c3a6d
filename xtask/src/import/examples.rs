//! Upstream's examples, for the actions curated gives none: read from
//! `examples.json` and checked against the described shapes. Examples
//! that cannot be read are reported and left out; ones that do not fit are
//! reported, and kept if they are answers (the client must read them).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::Notes;
use super::upstream::{self, Action, Api, Member};

/// For each action whose examples come from upstream, the number upstream
/// (from 1) of each one kept, by which the notes name it.
pub type UpstreamExamples = BTreeMap<String, Vec<usize>>;

/// `action`'s examples from upstream, and each kept one's number upstream.
pub fn from_upstream(
    api: &Api<'_>,
    action: &Action<'_>,
    examples: &Value,
    notes: &mut Notes,
) -> (Vec<Value>, Vec<usize>) {
    let Some(list) = upstream::examples(examples, action.name) else {
        notes.add(format!("{}: no example upstream", action.name));
        return (Vec::new(), Vec::new());
    };
    let mut out = Vec::new();
    let mut numbers = Vec::new();
    for (i, e) in list.iter().enumerate() {
        let label = format!("{} example {}", action.name, i + 1);
        let request = request(e.request_body, &label, notes);
        let Some(mut response) = answer(e.answer, &label, notes) else {
            continue;
        };
        // A request that does not fit would not build through the typed
        // client: reported and left out. An answer that does not fit is
        // kept, since the client must read what the service sends, less the
        // members the spec does not describe (which the client skips); one
        // the client cannot read at all is left out later, when the
        // generator refuses it (`leave_out_refused`).
        let request = request.and_then(|mut r| {
            let problems = misfits(api, &mut r, action.input, "request", false);
            for p in &problems {
                notes.add(format!("{label}: {p}"));
            }
            if problems.is_empty() {
                Some(r)
            } else {
                notes.add(format!("{label}: request left out"));
                None
            }
        });
        for p in misfits(
            api,
            &mut response["Response"],
            action.output,
            "response",
            true,
        ) {
            notes.add(format!("{label}: {p}"));
        }
        let mut x = Map::new();
        x.insert("title".into(), json!(e.title.unwrap_or(action.name)));
        if let Some(r) = request {
            x.insert("request".into(), r);
        }
        x.insert("response".into(), response);
        out.push(Value::Object(x));
        numbers.push(i + 1);
    }
    (out, numbers)
}

/// The request body as a JSON object, or `None`, noted.
fn request(body: &str, label: &str, notes: &mut Notes) -> Option<Value> {
    match serde_json::from_str::<Value>(body) {
        Ok(v @ Value::Object(_)) => Some(v),
        Ok(_) => {
            notes.add(format!(
                "{label}: the request body is not a JSON object: request left out"
            ));
            None
        }
        Err(err) => {
            notes.add(format!(
                "{label}: the request body is not JSON ({err}): request left out"
            ));
            None
        }
    }
}

/// The answer, if it is JSON with a `Response` object; else `None`, noted.
fn answer(text: Option<&str>, label: &str, notes: &mut Notes) -> Option<Value> {
    let problem = match text.map(serde_json::from_str::<Value>) {
        Some(Ok(v)) if v.get("Response").is_some_and(Value::is_object) => return Some(v),
        Some(Ok(_)) => "the answer has no Response object".to_owned(),
        Some(Err(err)) => format!("the answer is not JSON ({err})"),
        None => "no answer".to_owned(),
    };
    notes.add(format!("{label}: {problem}: example left out"));
    None
}

/// Where an example departs from the described shape, strictly read (the
/// client is more tolerant; these are for the report). Members upstream
/// does not describe, or describes as disabled (and so are not in the
/// spec), are misfits too; with `strip` they are also taken out of `v`,
/// which the client would do by skipping them.
fn misfits(api: &Api<'_>, v: &mut Value, object: &str, path: &str, strip: bool) -> Vec<String> {
    let mut m = Misfits {
        api,
        strip,
        out: Vec::new(),
    };
    m.object(v, object, path);
    m.out
}

struct Misfits<'a> {
    api: &'a Api<'a>,
    strip: bool,
    out: Vec<String>,
}

impl Misfits<'_> {
    fn object(&mut self, v: &mut Value, object: &str, path: &str) {
        // Not an object upstream describes (or one the import will refuse
        // as malformed): nothing to check against.
        let Ok(described) = self.api.object(object) else {
            return;
        };
        let Some(map) = v.as_object_mut() else {
            self.out.push(format!(
                "{path}: described as object {object}, found {}",
                short(v)
            ));
            return;
        };
        if path.starts_with("request") {
            for m in &described.members {
                if m.required && !map.contains_key(m.name) {
                    self.out
                        .push(format!("{path}.{}: required, missing", m.name));
                }
            }
        }
        let top_of_answer = path.ends_with("response");
        let mut undescribed = Vec::new();
        for (k, x) in map.iter_mut() {
            if top_of_answer && (k == "RequestId" || k == "Error") {
                continue;
            }
            match described.members.iter().find(|m| m.name == k) {
                Some(m) => self.member(x, m, &format!("{path}.{k}")),
                None => {
                    let left = if self.strip { ": left out" } else { "" };
                    self.out
                        .push(format!("{path}.{k}: not a described member{left}"));
                    undescribed.push(k.clone());
                }
            }
        }
        if self.strip {
            for k in undescribed {
                map.remove(&k);
            }
        }
    }

    fn member(&mut self, v: &mut Value, m: &Member<'_>, path: &str) {
        if v.is_null() {
            return;
        }
        if m.ty == "list" {
            match v.as_array_mut() {
                Some(items) => {
                    for (i, x) in items.iter_mut().enumerate() {
                        self.scalar_or_object(x, m.member, &format!("{path}[{i}]"));
                    }
                }
                None => self
                    .out
                    .push(format!("{path}: described as a list, found {}", short(v))),
            }
        } else {
            self.scalar_or_object(v, m.member, path);
        }
    }

    fn scalar_or_object(&mut self, v: &mut Value, member: &str, path: &str) {
        let ok = match member {
            "string" | "datetime" | "datetime_iso" | "date" => v.is_string(),
            "int64" | "uint64" => v.is_i64() || v.is_u64(),
            "float" => v.is_number(),
            "bool" => v.is_boolean(),
            object => {
                self.object(v, object, path);
                return;
            }
        };
        if !ok {
            self.out
                .push(format!("{path}: described as {member}, found {}", short(v)));
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}
