//! Each action's first example, parsed once when the server starts (the
//! operations table holds them as JSON text): every answer built from an
//! example clones a parsed value instead of parsing the text per request.

use std::collections::HashMap;

use serde_json::{Map, Value};

use tencentcloud_runtime::operation::ServiceInfo;

/// One action's example, parsed.
#[derive(Default)]
pub(crate) struct Example {
    /// The request body.
    pub(crate) request: Option<Value>,
    /// The answer's `Response` members, without `RequestId`.
    pub(crate) response: Option<Map<String, Value>>,
}

/// One service's examples by action.
#[derive(Default)]
pub(crate) struct Examples(HashMap<&'static str, Example>);

impl Examples {
    pub(crate) fn parse(service: &ServiceInfo) -> Self {
        let map = service
            .operations
            .iter()
            .map(|op| {
                let request = op
                    .example_request
                    .and_then(|t| serde_json::from_str::<Value>(t).ok());
                let response = op
                    .example_response
                    .and_then(|t| serde_json::from_str::<Value>(t).ok())
                    .and_then(|mut v| match v.get_mut("Response").map(Value::take) {
                        Some(Value::Object(mut m)) => {
                            m.remove("RequestId");
                            Some(m)
                        }
                        _ => None,
                    });
                (op.action, Example { request, response })
            })
            .collect();
        Examples(map)
    }

    pub(crate) fn get(&self, action: &str) -> Option<&Example> {
        self.0.get(action)
    }

    /// `action`'s example request, if it has one.
    pub(crate) fn request(&self, action: &str) -> Option<&Value> {
        self.get(action)?.request.as_ref()
    }

    /// `action`'s example answer members (no `RequestId`); empty without one.
    pub(crate) fn answer(&self, action: &str) -> Map<String, Value> {
        self.get(action)
            .and_then(|e| e.response.clone())
            .unwrap_or_default()
    }

    /// The value at a dotted path (`Data.DataList`) of `action`'s example answer.
    pub(crate) fn at(&self, action: &str, path: &str) -> Option<&Value> {
        let response = self.get(action)?.response.as_ref()?;
        let mut parts = path.split('.');
        let mut v = response.get(parts.next()?)?;
        for p in parts {
            v = v.get(p)?;
        }
        Some(v)
    }
}

/// Sets a dotted path of `map` (`Data.TotalCount`), making objects on the
/// way (and replacing what is not one).
pub(crate) fn set_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut at = map;
    for p in parts {
        let slot = at
            .entry(p.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let Value::Object(next) = slot else { return };
        at = next;
    }
    at.insert(last.to_owned(), value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_path_makes_objects_on_the_way() {
        let mut m = Map::new();
        set_path(&mut m, "Data.List", json!([1]));
        set_path(&mut m, "Data.Total", json!(1));
        m.insert("X".into(), json!(3));
        set_path(&mut m, "X.Y", json!(true));
        assert_eq!(
            Value::Object(m),
            json!({"Data": {"List": [1], "Total": 1}, "X": {"Y": true}})
        );
    }
}
