//! Tencent's published files, read into typed values: `api.json`'s
//! service, actions, objects and members, `examples.json`'s examples and
//! `errorcodes.py`'s codes.
//!
//! Read by hand rather than derived with serde, for two reasons: an error
//! names the JSON path (`api.json.objects.X.members[2].type`), and only
//! what the import reaches is checked (an object no action uses may be
//! malformed; the examples are read loosely and reported on).

use serde_json::{Map, Value};

/// The published descriptions of one service.
pub struct Upstream {
    pub api: Value,
    pub examples: Value,
    pub errors: Vec<ErrorCode>,
}

/// A documented error code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorCode {
    pub code: String,
    pub document: String,
}

/// Reads `errorcodes.py`: a `# document` comment line, then `NAME = 'Code'`.
pub fn parse_error_codes(text: &str) -> Result<Vec<ErrorCode>, String> {
    let mut codes = Vec::new();
    let mut doc = String::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(c) = line.strip_prefix('#') {
            doc = c.trim().to_owned();
        } else if let Some((name, value)) = line.split_once('=') {
            let value = value.trim();
            let code = value
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
                .ok_or_else(|| format!("line {}: expected NAME = 'Code', found {line:?}", i + 1))?;
            if name.trim().is_empty() || code.is_empty() {
                return Err(format!("line {}: empty name or code", i + 1));
            }
            codes.push(ErrorCode {
                code: code.to_owned(),
                document: std::mem::take(&mut doc),
            });
        } else if line.is_empty() {
            // A blank line ends nothing: the licence header's comments are
            // overwritten by each code's own comment.
        } else {
            return Err(format!("line {}: unexpected {line:?}", i + 1));
        }
    }
    Ok(codes)
}

fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{path}: expected an object"))
}

fn text<'a>(v: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a str, String> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{path}.{key}: expected a string"))
}

fn flag(v: &Map<String, Value>, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool) == Some(true)
}

/// `api.json`: the service, and its actions and objects, each checked when
/// read (`actions`, `object`).
pub struct Api<'a> {
    /// `serviceShortName`, e.g. `tcmpp`.
    pub name: &'a str,
    pub version: &'a str,
    /// `serviceNameCN`, unless blank.
    pub title: Option<&'a str>,
    actions: &'a Map<String, Value>,
    objects: &'a Map<String, Value>,
}

impl<'a> Api<'a> {
    pub fn read(api: &'a Value) -> Result<Api<'a>, String> {
        let root = obj(api, "api.json")?;
        let section = |key: &str| {
            obj(
                root.get(key).unwrap_or(&Value::Null),
                &format!("api.json.{key}"),
            )
        };
        let actions = section("actions")?;
        let objects = section("objects")?;
        let meta = section("metadata")?;
        Ok(Api {
            name: text(meta, "serviceShortName", "api.json.metadata")?,
            version: text(meta, "apiVersion", "api.json.metadata")?,
            title: meta
                .get("serviceNameCN")
                .and_then(Value::as_str)
                .filter(|t| !t.trim().is_empty()),
            actions,
            objects,
        })
    }

    /// Every action, in name order.
    pub fn actions(&self) -> Result<Vec<Action<'a>>, String> {
        self.actions
            .iter()
            .map(|(name, action)| {
                let path = format!("api.json.actions.{name}");
                let fields = obj(action, &path)?;
                Ok(Action {
                    name,
                    input: text(fields, "input", &path)?,
                    output: text(fields, "output", &path)?,
                    status: fields.get("status").and_then(Value::as_str),
                    fields,
                    path,
                })
            })
            .collect()
    }

    pub fn has_object(&self, name: &str) -> bool {
        self.objects.contains_key(name)
    }

    pub fn object_names(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.objects.keys().map(String::as_str)
    }

    /// The object `name`, or what is wrong with it (also when it is missing).
    pub fn object(&self, name: &str) -> Result<Object<'a>, String> {
        let path = format!("api.json.objects.{name}");
        let fields = obj(self.objects.get(name).unwrap_or(&Value::Null), &path)?;
        let list = fields
            .get("members")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{path}.members: expected a list"))?;
        let mut members = Vec::new();
        let mut disabled = Vec::new();
        for (i, m) in list.iter().enumerate() {
            let mpath = format!("{path}.members[{i}]");
            let m = obj(m, &mpath)?;
            let name = text(m, "name", &mpath)?;
            // Nothing else of a disabled member matters: it is left out.
            if flag(m, "disabled") {
                disabled.push(name);
                continue;
            }
            members.push(Member {
                name,
                member: text(m, "member", &mpath)?,
                ty: text(m, "type", &mpath)?,
                required: flag(m, "required"),
                output_required: flag(m, "output_required"),
                value_allowed_null: flag(m, "value_allowed_null"),
                document: text(m, "document", &mpath)?,
                example: m.get("example").filter(|e| !no_example(e)),
            });
        }
        Ok(Object {
            document: text(fields, "document", &path)?,
            members,
            disabled,
        })
    }

    /// The first non-blank document of a `RequestId` member, looked for
    /// loosely in every object, used or not.
    pub fn request_id_document(&self) -> Option<&'a str> {
        self.objects
            .values()
            .filter_map(|o| o.get("members")?.as_array())
            .flatten()
            .filter(|m| m.get("name").and_then(Value::as_str) == Some("RequestId"))
            .filter_map(|m| m.get("document")?.as_str())
            .find(|d| !d.trim().is_empty())
    }
}

/// One action of `api.json`. Its title and document are checked when read,
/// after its request and response objects, which keeps the error named
/// first, when several things are wrong, what it always was.
pub struct Action<'a> {
    pub name: &'a str,
    /// The request object's name.
    pub input: &'a str,
    /// The response object's name.
    pub output: &'a str,
    /// `online` for most; anything else is worth a note.
    pub status: Option<&'a str>,
    fields: &'a Map<String, Value>,
    path: String,
}

impl<'a> Action<'a> {
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Upstream's `name`, which may be blank.
    pub fn title(&self) -> Result<&'a str, String> {
        text(self.fields, "name", &self.path)
    }

    pub fn document(&self) -> Result<&'a str, String> {
        text(self.fields, "document", &self.path)
    }
}

/// One object of `api.json`.
pub struct Object<'a> {
    pub document: &'a str,
    /// The members not disabled, in upstream's order.
    pub members: Vec<Member<'a>>,
    /// The names of the members upstream marks `disabled`.
    pub disabled: Vec<&'a str>,
}

/// A member of an object.
pub struct Member<'a> {
    pub name: &'a str,
    /// `list`, `object` or a scalar type.
    pub ty: &'a str,
    /// The item's type: a scalar (`string`, `int64`, …) or an object's name.
    pub member: &'a str,
    pub required: bool,
    pub output_required: bool,
    pub value_allowed_null: bool,
    pub document: &'a str,
    /// `None` for upstream's placeholders for "no example".
    pub example: Option<&'a Value>,
}

fn no_example(v: &Value) -> bool {
    matches!(v.as_str(), Some("" | "无" | "无。" | "null"))
}

/// One of an action's examples in `examples.json`, read loosely: what is
/// missing or of another type is absent, and reported by the caller.
pub struct Example<'a> {
    /// Unless blank.
    pub title: Option<&'a str>,
    /// The request's body: its HTTP text after the first blank line (all of
    /// it if there is none).
    pub request_body: &'a str,
    /// The answer's JSON text.
    pub answer: Option<&'a str>,
}

/// `action`'s examples, or `None` if `examples.json` lists none.
pub fn examples<'a>(examples: &'a Value, action: &str) -> Option<Vec<Example<'a>>> {
    let list = examples.get("actions")?.get(action)?.as_array()?;
    let text = |e: &'a Value, key: &str| e.get(key).and_then(Value::as_str);
    Some(
        list.iter()
            .map(|e| {
                let request = text(e, "input").unwrap_or_default();
                Example {
                    title: text(e, "title").filter(|t| !t.trim().is_empty()),
                    request_body: request.split_once("\n\n").map_or(request, |(_, b)| b),
                    answer: text(e, "output"),
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_take_their_comment() {
        let codes = parse_error_codes(
            "# -*- coding: utf8 -*-\n# Licence\n\n\n# Operation failed.\nFAILEDOPERATION = 'FailedOperation'\n\n# Bad id.\nX_Y = \"X.Y\"\n",
        )
        .unwrap();
        assert_eq!(
            codes,
            vec![
                ErrorCode {
                    code: "FailedOperation".into(),
                    document: "Operation failed.".into()
                },
                ErrorCode {
                    code: "X.Y".into(),
                    document: "Bad id.".into()
                },
            ]
        );
        assert!(
            parse_error_codes("X = Code\n")
                .unwrap_err()
                .contains("line 1")
        );
        assert!(
            parse_error_codes("import os\n")
                .unwrap_err()
                .contains("line 1")
        );
    }
}
