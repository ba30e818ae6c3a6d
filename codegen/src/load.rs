//! Stage 1: JSON text to raw spec structures.
//!
//! Reads a `serde_json::Value` by hand rather than through `serde` derives so
//! that every problem (wrong type, missing or unknown key) is collected with
//! its JSON path instead of stopping at the first one.

use serde_json::{Map, Value};

use crate::diag::{Diag, child, index};

pub(crate) struct RawSpec {
    pub service: Option<RawService>,
    pub actions: Vec<RawAction>,
    pub objects: Vec<RawObject>,
    pub value_sets: Vec<RawValueSet>,
    pub common_errors: Vec<RawError>,
    /// Codes of the service that upstream does not assign to actions.
    pub service_errors: Vec<RawError>,
}

pub(crate) struct RawService {
    pub path: String,
    pub name: String,
    pub title: String,
    pub version: String,
    pub endpoint: String,
    pub signing_service: String,
    pub document: String,
    pub request_id_document: String,
}

pub(crate) struct RawAction {
    pub path: String,
    pub name: String,
    pub rust_name: Option<String>,
    pub title: String,
    pub document: String,
    pub rate_limit_per_second: u32,
    pub retry_safe: bool,
    pub request: RawShape,
    pub response: RawShape,
    /// The action's own codes; `None`: the service-level set applies.
    pub errors: Option<Vec<RawError>>,
    pub examples: Vec<RawExample>,
    pub paginated: Option<RawPagination>,
    pub waiters: Vec<RawWaiter>,
}

/// `waiters[i]`: a named wait on this action's answers; the status member
/// by path (`Data.TaskStatus`), its values by wire value.
pub(crate) struct RawWaiter {
    pub path: String,
    pub name: String,
    pub document: String,
    pub after: Vec<(String, String)>,
    pub status: String,
    pub done: Vec<(Value, String)>,
    pub failed: Vec<(Value, String)>,
}

/// `paginated`: where an action's page members are, by wire name; the
/// answer's by path (`Data.DataList`).
pub(crate) struct RawPagination {
    pub path: String,
    pub offset: String,
    pub limit: String,
    pub items: String,
    pub total: Option<String>,
    pub default_page_size: u64,
}

pub(crate) struct RawShape {
    pub path: String,
    pub document: String,
    pub members: Vec<RawMember>,
}

pub(crate) struct RawMember {
    pub path: String,
    pub name: String,
    pub ty: String,
    pub member: String,
    pub required: bool,
    pub value_allowed_null: bool,
    pub output_required: bool,
    pub document: String,
    pub example: Option<Value>,
    pub value_set: Option<String>,
    pub rust_name: Option<String>,
    pub sensitive: bool,
}

pub(crate) struct RawObject {
    pub path: String,
    pub name: String,
    pub rust_name: Option<String>,
    pub document: String,
    pub members: Vec<RawMember>,
}

pub(crate) struct RawValueSet {
    pub path: String,
    pub name: String,
    pub rust_name: Option<String>,
    pub kind: String,
    pub document: String,
    pub values: Vec<RawValue>,
}

pub(crate) struct RawValue {
    pub path: String,
    pub value: Value,
    pub name: Option<String>,
    pub document: String,
}

pub(crate) struct RawError {
    pub path: String,
    pub code: String,
    pub document: String,
    pub rust_name: Option<String>,
}

pub(crate) struct RawExample {
    pub path: String,
    pub title: String,
    /// Absent when upstream's request could not be read.
    pub request: Option<Value>,
    pub response: Value,
}

/// Reads the whole document; `None` only when the top level is unusable.
pub(crate) fn load(root: &Value, d: &mut Diag) -> Option<RawSpec> {
    let mut top = Obj::new(root, "", d)?;
    top.opt_str("$schema", d);
    top.opt_str("$comment", d);
    if let Some((v, p)) = top.take("format_version", d, true) {
        if v.as_u64() != Some(1) {
            d.report(
                &p,
                "unsupported format_version: this generator reads format_version 1",
            );
        }
    }
    let service = top
        .take("service", d, true)
        .and_then(|(v, p)| service(v, &p, d));
    let actions = top
        .take("actions", d, true)
        .map(|(v, p)| named_map(v, &p, d, action))
        .unwrap_or_default();
    let objects = top
        .take("objects", d, false)
        .map(|(v, p)| named_map(v, &p, d, object))
        .unwrap_or_default();
    let value_sets = top
        .take("value_sets", d, false)
        .map(|(v, p)| named_map(v, &p, d, value_set))
        .unwrap_or_default();
    let common_errors = top
        .take("common_errors", d, false)
        .map(|(v, p)| list(v, &p, d, error))
        .unwrap_or_default();
    let service_errors = top
        .take("service_errors", d, false)
        .map(|(v, p)| list(v, &p, d, error))
        .unwrap_or_default();
    top.finish(d);
    Some(RawSpec {
        service,
        actions,
        objects,
        value_sets,
        common_errors,
        service_errors,
    })
}

fn service(v: &Value, path: &str, d: &mut Diag) -> Option<RawService> {
    let mut o = Obj::new(v, path, d)?;
    let s = RawService {
        path: path.to_owned(),
        name: o.req_str("name", d),
        title: o.req_str("title", d),
        version: o.req_str("version", d),
        endpoint: o.req_str("endpoint", d),
        signing_service: o.req_str("signing_service", d),
        document: o.doc(d),
        request_id_document: o.doc_of("request_id_document", d),
    };
    o.finish(d);
    Some(s)
}

fn action(name: &str, v: &Value, path: &str, d: &mut Diag) -> Option<RawAction> {
    let mut o = Obj::new(v, path, d)?;
    let rust_name = o.opt_str("rust_name", d);
    let title = o.req_str("name", d);
    let document = o.doc(d);
    let rate_limit_per_second = match o.take("rate_limit_per_second", d, true) {
        Some((v, p)) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) if n > 0 => n,
            _ => {
                d.report(
                    &p,
                    format!("expected a positive whole number of requests per second, found {v}"),
                );
                0
            }
        },
        None => 0,
    };
    let retry_safe = o.req_bool("retry_safe", d);
    let request = o
        .take("request", d, true)
        .and_then(|(v, p)| shape(v, &p, d));
    let response = o
        .take("response", d, true)
        .and_then(|(v, p)| shape(v, &p, d));
    let errors = o
        .take("errors", d, false)
        .map(|(v, p)| list(v, &p, d, error));
    let examples = o
        .take("examples", d, false)
        .map(|(v, p)| list(v, &p, d, example))
        .unwrap_or_default();
    let paginated = o
        .take("paginated", d, false)
        .and_then(|(v, p)| pagination(v, &p, d));
    let waiters = o
        .take("waiters", d, false)
        .map(|(v, p)| list(v, &p, d, waiter))
        .unwrap_or_default();
    o.finish(d);
    Some(RawAction {
        path: path.to_owned(),
        name: name.to_owned(),
        rust_name,
        title,
        document,
        rate_limit_per_second,
        retry_safe,
        request: request?,
        response: response?,
        errors,
        examples,
        paginated,
        waiters,
    })
}

fn waiter(v: &Value, path: &str, d: &mut Diag) -> Option<RawWaiter> {
    let mut o = Obj::new(v, path, d)?;
    let name = o.req_str("name", d);
    let document = o.doc(d);
    let status = o.req_str("status", d);
    let mut values = |key: &'static str, d: &mut Diag| -> Vec<(Value, String)> {
        o.take(key, d, key == "done")
            .map(|(v, p)| list(v, &p, d, |v, p, _| Some((v.clone(), p.to_owned()))))
            .unwrap_or_default()
    };
    let done = values("done", d);
    let failed = values("failed", d);
    let after = o
        .take("after", d, false)
        .map(|(v, p)| {
            list(v, &p, d, |v, p, d| match v {
                Value::String(s) => Some((s.clone(), p.to_owned())),
                other => {
                    d.report(p, format!("expected an action name, found {}", kind(other)));
                    None
                }
            })
        })
        .unwrap_or_default();
    o.finish(d);
    Some(RawWaiter {
        path: path.to_owned(),
        name,
        document,
        after,
        status,
        done,
        failed,
    })
}

fn pagination(v: &Value, path: &str, d: &mut Diag) -> Option<RawPagination> {
    let mut o = Obj::new(v, path, d)?;
    let offset = o.req_str("offset", d);
    let limit = o.req_str("limit", d);
    let items = o.req_str("items", d);
    let total = o.opt_str("total", d);
    let default_page_size = match o.take("default_page_size", d, false) {
        None => 20,
        Some((v, p)) => match v.as_u64() {
            Some(n) if n > 0 => n,
            _ => {
                d.report(&p, format!("expected a positive whole number, found {v}"));
                20
            }
        },
    };
    o.finish(d);
    Some(RawPagination {
        path: path.to_owned(),
        offset,
        limit,
        items,
        total,
        default_page_size,
    })
}

fn shape(v: &Value, path: &str, d: &mut Diag) -> Option<RawShape> {
    let mut o = Obj::new(v, path, d)?;
    let document = o.doc(d);
    let members = o
        .take("members", d, true)
        .map(|(v, p)| list(v, &p, d, member))
        .unwrap_or_default();
    o.finish(d);
    Some(RawShape {
        path: path.to_owned(),
        document,
        members,
    })
}

fn member(v: &Value, path: &str, d: &mut Diag) -> Option<RawMember> {
    let mut o = Obj::new(v, path, d)?;
    let m = RawMember {
        path: path.to_owned(),
        name: o.req_str("name", d),
        ty: o.req_str("type", d),
        member: o.req_str("member", d),
        required: o.opt_bool("required", d).unwrap_or(false),
        value_allowed_null: o.opt_bool("value_allowed_null", d).unwrap_or(false),
        output_required: o.opt_bool("output_required", d).unwrap_or(false),
        document: o.doc(d),
        example: o.take("example", d, false).map(|(v, _)| v.clone()),
        value_set: o.opt_str("value_set", d),
        rust_name: o.opt_str("rust_name", d),
        sensitive: o.opt_bool("sensitive", d).unwrap_or(false),
    };
    o.finish(d);
    Some(m)
}

fn object(name: &str, v: &Value, path: &str, d: &mut Diag) -> Option<RawObject> {
    let mut o = Obj::new(v, path, d)?;
    let obj = RawObject {
        path: path.to_owned(),
        name: name.to_owned(),
        rust_name: o.opt_str("rust_name", d),
        document: o.doc(d),
        members: o
            .take("members", d, true)
            .map(|(v, p)| list(v, &p, d, member))
            .unwrap_or_default(),
    };
    o.finish(d);
    Some(obj)
}

fn value_set(name: &str, v: &Value, path: &str, d: &mut Diag) -> Option<RawValueSet> {
    let mut o = Obj::new(v, path, d)?;
    let set = RawValueSet {
        path: path.to_owned(),
        name: name.to_owned(),
        rust_name: o.opt_str("rust_name", d),
        kind: o.req_str("type", d),
        document: o.doc(d),
        values: o
            .take("values", d, true)
            .map(|(v, p)| list(v, &p, d, set_value))
            .unwrap_or_default(),
    };
    o.finish(d);
    Some(set)
}

fn set_value(v: &Value, path: &str, d: &mut Diag) -> Option<RawValue> {
    let mut o = Obj::new(v, path, d)?;
    let value = o.take("value", d, true).map(|(v, _)| v.clone());
    let val = RawValue {
        path: path.to_owned(),
        value: value.unwrap_or(Value::Null),
        name: o.opt_str("name", d),
        document: o.doc(d),
    };
    o.finish(d);
    Some(val)
}

fn error(v: &Value, path: &str, d: &mut Diag) -> Option<RawError> {
    let mut o = Obj::new(v, path, d)?;
    let e = RawError {
        path: path.to_owned(),
        code: o.req_str("code", d),
        document: o.doc(d),
        rust_name: o.opt_str("rust_name", d),
    };
    o.finish(d);
    Some(e)
}

fn example(v: &Value, path: &str, d: &mut Diag) -> Option<RawExample> {
    let mut o = Obj::new(v, path, d)?;
    let title = o.req_str("title", d);
    let request = o.take("request", d, false).map(|(v, _)| v.clone());
    let response = o.take("response", d, true).map(|(v, _)| v.clone());
    o.finish(d);
    Some(RawExample {
        path: path.to_owned(),
        title,
        request,
        response: response?,
    })
}

/// A JSON object whose keys become named items, in document order.
fn named_map<T>(
    v: &Value,
    path: &str,
    d: &mut Diag,
    read: impl Fn(&str, &Value, &str, &mut Diag) -> Option<T>,
) -> Vec<T> {
    let Some(map) = expect_object(v, path, d) else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(k, v)| read(k, v, &child(path, k), d))
        .collect()
}

fn list<T>(
    v: &Value,
    path: &str,
    d: &mut Diag,
    read: impl Fn(&Value, &str, &mut Diag) -> Option<T>,
) -> Vec<T> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| read(v, &index(path, i), d))
            .collect(),
        other => {
            d.report(path, format!("expected an array, found {}", kind(other)));
            Vec::new()
        }
    }
}

fn expect_object<'a>(v: &'a Value, path: &str, d: &mut Diag) -> Option<&'a Map<String, Value>> {
    match v {
        Value::Object(map) => Some(map),
        other => {
            d.report(path, format!("expected an object, found {}", kind(other)));
            None
        }
    }
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An object being read: remembers which keys were asked for, so that
/// `finish` can report the rest as unknown.
struct Obj<'a> {
    path: String,
    map: &'a Map<String, Value>,
    known: Vec<&'static str>,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, path: &str, d: &mut Diag) -> Option<Self> {
        Some(Obj {
            path: path.to_owned(),
            map: expect_object(v, path, d)?,
            known: Vec::new(),
        })
    }

    fn take(
        &mut self,
        key: &'static str,
        d: &mut Diag,
        required: bool,
    ) -> Option<(&'a Value, String)> {
        self.known.push(key);
        let path = child(&self.path, key);
        match self.map.get(key) {
            Some(v) => Some((v, path)),
            None => {
                if required {
                    d.report(&path, format!("missing required key \"{key}\""));
                }
                None
            }
        }
    }

    fn string(&mut self, key: &'static str, d: &mut Diag, required: bool) -> Option<String> {
        let (v, path) = self.take(key, d, required)?;
        match v {
            Value::String(s) if s.trim().is_empty() => {
                d.report(&path, "must not be empty");
                None
            }
            Value::String(s) => Some(s.clone()),
            other => {
                d.report(&path, format!("expected a string, found {}", kind(other)));
                None
            }
        }
    }

    /// The required `document`, which may be empty: upstream descriptions
    /// leave some members undocumented.
    fn doc(&mut self, d: &mut Diag) -> String {
        self.doc_of("document", d)
    }

    /// A required document under another key, which may be empty too.
    fn doc_of(&mut self, key: &'static str, d: &mut Diag) -> String {
        let (v, path) = match self.take(key, d, true) {
            Some(found) => found,
            None => return String::new(),
        };
        match v {
            Value::String(s) => s.clone(),
            other => {
                d.report(&path, format!("expected a string, found {}", kind(other)));
                String::new()
            }
        }
    }

    /// A required string; problems are reported and an empty string stands in.
    fn req_str(&mut self, key: &'static str, d: &mut Diag) -> String {
        self.string(key, d, true).unwrap_or_default()
    }

    fn opt_str(&mut self, key: &'static str, d: &mut Diag) -> Option<String> {
        self.string(key, d, false)
    }

    fn opt_bool(&mut self, key: &'static str, d: &mut Diag) -> Option<bool> {
        let (v, path) = self.take(key, d, false)?;
        match v {
            Value::Bool(b) => Some(*b),
            other => {
                d.report(
                    &path,
                    format!("expected true or false, found {}", kind(other)),
                );
                None
            }
        }
    }

    fn req_bool(&mut self, key: &'static str, d: &mut Diag) -> bool {
        if !self.map.contains_key(key) {
            self.take(key, d, true);
            return false;
        }
        self.opt_bool(key, d).unwrap_or(false)
    }

    fn finish(self, d: &mut Diag) {
        for key in self.map.keys() {
            if !self.known.contains(&key.as_str()) {
                d.report(
                    &child(&self.path, key),
                    format!(
                        "unknown key \"{key}\" (expected one of: {})",
                        self.known.join(", ")
                    ),
                );
            }
        }
    }
}
