//! The malformed-spec table (`fixtures/malformed.json`): each case is one
//! edit of a valid spec and the JSON path its error must name. Shared by
//! the library test and the `xtask` command test.

use std::fs;

use serde_json::Value;

/// One malformed spec.
#[derive(Debug)]
pub struct Case {
    /// What is wrong.
    pub name: String,
    /// The spec text, after the edit.
    pub text: String,
    /// The JSON path the error must name (empty: the document).
    pub path: String,
    /// Text the message at that path must contain.
    pub message: String,
}

/// Reads the table and applies each edit. Errors are for the test to report.
pub fn cases() -> Result<Vec<Case>, String> {
    let root = crate::workspace_root();
    let table_path = root.join("tests/fixtures/malformed.json");
    let table: Value = serde_json::from_str(
        &fs::read_to_string(&table_path).map_err(|e| format!("{}: {e}", table_path.display()))?,
    )
    .map_err(|e| format!("{}: {e}", table_path.display()))?;
    let mut out = Vec::new();
    for case in table["cases"].as_array().ok_or("no cases")? {
        let field = |k: &str| {
            case[k]
                .as_str()
                .map(str::to_owned)
                .ok_or(format!("case without {k}: {case}"))
        };
        let base = root.join(field("base")?);
        let base_text =
            fs::read_to_string(&base).map_err(|e| format!("{}: {e}", base.display()))?;
        let text = edit(&base_text, &case["edit"])
            .map_err(|e| format!("{}: {e}", field("name").unwrap_or_default()))?;
        out.push(Case {
            name: field("name")?,
            text,
            path: field("path")?,
            message: field("message")?,
        });
    }
    Ok(out)
}

fn edit(base: &str, edit: &Value) -> Result<String, String> {
    let s = |k: &str| edit[k].as_str().ok_or(format!("edit without {k}"));
    match s("op")? {
        "replace_text" => {
            let from = s("from")?;
            if !base.contains(from) {
                return Err(format!("text {from:?} not in the base"));
            }
            Ok(base.replacen(from, s("to")?, 1))
        }
        op @ ("set" | "remove") => {
            let mut v: Value = serde_json::from_str(base).map_err(|e| e.to_string())?;
            let at = s("at")?;
            let target = v.pointer_mut(at).ok_or(format!("no value at {at}"))?;
            let key = s("key")?;
            match (op, target) {
                ("set", Value::Object(map)) => {
                    map.insert(key.to_owned(), edit["value"].clone());
                }
                ("remove", Value::Object(map)) => {
                    map.remove(key).ok_or(format!("no key {key} at {at}"))?;
                }
                ("remove", Value::Array(items)) => {
                    let i: usize = key.parse().map_err(|_| format!("bad index {key}"))?;
                    if i >= items.len() {
                        return Err(format!("no index {i} at {at}"));
                    }
                    items.remove(i);
                }
                _ => return Err(format!("cannot {op} at {at}")),
            }
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())
        }
        other => Err(format!("unknown op {other}")),
    }
}
