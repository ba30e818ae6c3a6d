//! The canonical spec text, which `--check` compares byte for byte.

use serde_json::Value;

/// Pretty JSON with keys in reading order (name and type before documents,
/// documents before nested lists), so the committed spec reads well and
/// diffs stay small.
pub fn to_text(v: &Value) -> String {
    let mut s = String::new();
    write(v, 0, &mut s);
    s.push('\n');
    s
}

const KEY_ORDER: [&str; 30] = [
    "$schema",
    "$comment",
    "format_version",
    "service",
    "code",
    "name",
    "title",
    "rust_name",
    "version",
    "endpoint",
    "signing_service",
    "value",
    "type",
    "member",
    "required",
    "output_required",
    "value_allowed_null",
    "value_set",
    "document",
    "request_id_document",
    "example",
    "rate_limit_per_second",
    "retry_safe",
    "request",
    "response",
    "members",
    "values",
    "errors",
    "examples",
    "actions",
];

fn key_rank(k: &str) -> usize {
    KEY_ORDER
        .iter()
        .position(|x| *x == k)
        .unwrap_or(KEY_ORDER.len())
}

fn write(v: &Value, depth: usize, out: &mut String) {
    let pad = |d: usize, out: &mut String| out.extend(std::iter::repeat_n("  ", d));
    match v {
        Value::Object(m) if !m.is_empty() => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| key_rank(a).cmp(&key_rank(b)).then(a.cmp(b)));
            out.push_str("{\n");
            for (i, k) in keys.iter().enumerate() {
                pad(depth + 1, out);
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push_str(": ");
                write(&m[*k], depth + 1, out);
                if i + 1 < keys.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            pad(depth, out);
            out.push('}');
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                pad(depth + 1, out);
                write(x, depth + 1, out);
                if i + 1 < a.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            pad(depth, out);
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn text_orders_keys_for_reading() {
        let v = json!({"members": [], "document": "d", "name": "n", "zeta": {"a": 1}});
        assert_eq!(
            to_text(&v),
            "{\n  \"name\": \"n\",\n  \"document\": \"d\",\n  \"members\": [],\n  \"zeta\": {\n    \"a\": 1\n  }\n}\n"
        );
    }
}
