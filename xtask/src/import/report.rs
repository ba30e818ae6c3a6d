//! The change report: what differs between the committed spec and the
//! imported one that matters to code built on the generated crate, with
//! what breaks such code marked. Both specs are read loosely: the old one
//! may be missing or of an older shape.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// One change between two specs.
#[derive(Debug, PartialEq, Eq)]
pub struct Change {
    pub breaking: bool,
    pub what: String,
}

/// `Offset/Limit -> Data.DataList (total Data.TotalCount)`.
fn paging(p: &Value) -> String {
    let text = |key: &str| p.get(key).and_then(Value::as_str).unwrap_or("?");
    let total = p
        .get("total")
        .and_then(Value::as_str)
        .map_or(String::new(), |t| format!(" (total {t})"));
    format!(
        "{}/{} -> {}{total}",
        text("offset"),
        text("limit"),
        text("items")
    )
}

/// The changes from `old` to `new` (both in our format) that matter to
/// code built on the generated crate.
pub fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |breaking: bool, what: String| out.push(Change { breaking, what });
    let map = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (oa, na) = (map(old, "actions"), map(new, "actions"));
    for (a, n) in &na {
        let Some(o) = oa.get(a) else {
            push(false, format!("action {a} added"));
            continue;
        };
        for part in ["request", "response"] {
            let owner = format!("{a}.{part}");
            member_changes(
                &owner,
                part == "request",
                members_of(&o[part]),
                members_of(&n[part]),
                &mut push,
            );
        }
        for key in ["retry_safe", "rate_limit_per_second"] {
            if o.get(key) != n.get(key) {
                push(
                    false,
                    format!(
                        "{a}: {key} {} -> {}",
                        o.get(key).unwrap_or(&Value::Null),
                        n.get(key).unwrap_or(&Value::Null)
                    ),
                );
            }
        }
        code_changes(a, o.get("errors"), n.get("errors"), &mut push);
        // A paginator gone (or moved) breaks code that walks it.
        match (o.get("paginated"), n.get("paginated")) {
            (None, Some(p)) => push(false, format!("{a}: paginated ({})", paging(p))),
            (Some(_), None) => push(true, format!("{a}: no longer paginated")),
            (Some(before), Some(after)) if before != after => push(
                true,
                format!("{a}: paginated {} -> {}", paging(before), paging(after)),
            ),
            _ => {}
        }
        // A waiter gone breaks code that waits with it.
        let names = |v: &Value| -> Vec<String> {
            v.get("waiters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|w| w.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        };
        let (before, after) = (names(o), names(n));
        for w in after.iter().filter(|w| !before.contains(w)) {
            push(false, format!("{a}: waiter {w} added"));
        }
        for w in before.iter().filter(|w| !after.contains(w)) {
            push(true, format!("{a}: waiter {w} removed"));
        }
        if o.get("document") != n.get("document") || o.get("name") != n.get("name") {
            push(false, format!("{a}: documentation changed"));
        }
    }
    for a in oa.keys().filter(|a| !na.contains_key(*a)) {
        push(true, format!("action {a} removed"));
    }
    let (oo, no) = (map(old, "objects"), map(new, "objects"));
    for (name, n) in &no {
        match oo.get(name) {
            None => push(false, format!("object {name} added")),
            Some(o) => member_changes(name, true, members_of(o), members_of(n), &mut push),
        }
    }
    for name in oo.keys().filter(|o| !no.contains_key(*o)) {
        push(true, format!("object {name} removed"));
    }
    code_changes(
        "service",
        old.get("service_errors"),
        new.get("service_errors"),
        &mut push,
    );
    code_changes(
        "common",
        old.get("common_errors"),
        new.get("common_errors"),
        &mut push,
    );
    out
}

fn members_of(v: &Value) -> BTreeMap<String, Value> {
    v.get("members")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| Some((m.get("name")?.as_str()?.to_owned(), m.clone())))
        .collect()
}

fn member_changes(
    owner: &str,
    may_be_input: bool,
    old: BTreeMap<String, Value>,
    new: BTreeMap<String, Value>,
    push: &mut impl FnMut(bool, String),
) {
    let required = |m: &Value| m.get("required").and_then(Value::as_bool).unwrap_or(false);
    let ty = |m: &Value| {
        format!(
            "{}/{}",
            m.get("type").and_then(Value::as_str).unwrap_or("?"),
            m.get("member").and_then(Value::as_str).unwrap_or("?")
        )
    };
    for (name, n) in &new {
        match old.get(name) {
            None if may_be_input && required(n) => {
                push(true, format!("{owner}.{name} added, required"));
            }
            None => push(false, format!("{owner}.{name} added")),
            Some(o) => {
                if ty(o) != ty(n) {
                    push(
                        true,
                        format!("{owner}.{name} retyped: {} -> {}", ty(o), ty(n)),
                    );
                }
                if may_be_input && !required(o) && required(n) {
                    push(true, format!("{owner}.{name} is now required"));
                } else if may_be_input && required(o) && !required(n) {
                    push(false, format!("{owner}.{name} is now optional"));
                }
            }
        }
    }
    for name in old.keys().filter(|n| !new.contains_key(*n)) {
        push(true, format!("{owner}.{name} removed"));
    }
}

fn code_changes(
    owner: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    push: &mut impl FnMut(bool, String),
) {
    let codes = |v: Option<&Value>| -> BTreeSet<String> {
        v.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| Some(e.get("code")?.as_str()?.to_owned()))
            .collect()
    };
    let (o, n) = (codes(old), codes(new));
    for c in n.difference(&o) {
        push(false, format!("{owner} error code {c} added"));
    }
    for c in o.difference(&n) {
        push(true, format!("{owner} error code {c} removed"));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn changes_mark_what_breaks_code() {
        let old = json!({"actions": {
            "A": {"request": {"members": [{"name": "X", "type": "string", "member": "string"},
                                          {"name": "Y", "type": "string", "member": "string"}]},
                  "response": {"members": [{"name": "Z", "type": "int", "member": "int64"}]}},
            "Gone": {"request": {"members": []}, "response": {"members": []}}}});
        let new = json!({"actions": {
            "A": {"request": {"members": [{"name": "X", "type": "string", "member": "string", "required": true},
                                          {"name": "N", "type": "string", "member": "string"}]},
                  "response": {"members": [{"name": "Z", "type": "string", "member": "string"}]}},
            "New": {"request": {"members": []}, "response": {"members": []}}}});
        let got: Vec<(bool, String)> = changes(&old, &new)
            .into_iter()
            .map(|c| (c.breaking, c.what))
            .collect();
        assert_eq!(
            got,
            vec![
                (false, "A.request.N added".to_owned()),
                (true, "A.request.X is now required".to_owned()),
                (true, "A.request.Y removed".to_owned()),
                (
                    true,
                    "A.response.Z retyped: int/int64 -> string/string".to_owned()
                ),
                (false, "action New added".to_owned()),
                (true, "action Gone removed".to_owned()),
            ]
        );
    }
}

#[cfg(test)]
mod paging_tests {
    use serde_json::json;

    use super::*;

    /// A paginator added is news; one removed or moved breaks code that
    /// walks it.
    #[test]
    fn paginators_added_removed_and_moved() {
        let paged = |items: &str| {
            json!({"request": {"members": []}, "response": {"members": []},
                   "paginated": {"offset": "Offset", "limit": "Limit", "items": items}})
        };
        let plain = json!({"request": {"members": []}, "response": {"members": []}});
        let old =
            json!({"actions": {"A": plain, "B": paged("Data.List"), "C": paged("Data.List")}});
        let new = json!({"actions": {"A": paged("Data.List"), "B": plain, "C": paged("Items")}});
        let got: Vec<(bool, String)> = changes(&old, &new)
            .into_iter()
            .map(|c| (c.breaking, c.what))
            .collect();
        assert_eq!(
            got,
            [
                (false, "A: paginated (Offset/Limit -> Data.List)".to_owned()),
                (true, "B: no longer paginated".to_owned()),
                (
                    true,
                    "C: paginated Offset/Limit -> Data.List -> Offset/Limit -> Items".to_owned()
                ),
            ]
        );
    }
}

#[cfg(test)]
mod waiter_tests {
    use serde_json::json;

    use super::*;

    /// A waiter added is news; one removed breaks code that waits with it.
    #[test]
    fn waiters_added_and_removed() {
        let with = |names: &[&str]| {
            let waiters: Vec<Value> = names.iter().map(|n| json!({"name": n})).collect();
            json!({"request": {"members": []}, "response": {"members": []}, "waiters": waiters})
        };
        let old = json!({"actions": {"A": with(&["done"]), "B": with(&["x", "y"])}});
        let new = json!({"actions": {"A": with(&["done", "ready"]), "B": with(&["y"])}});
        let got: Vec<(bool, String)> = changes(&old, &new)
            .into_iter()
            .map(|c| (c.breaking, c.what))
            .collect();
        assert_eq!(
            got,
            [
                (false, "A: waiter ready added".to_owned()),
                (true, "B: waiter x removed".to_owned()),
            ]
        );
    }
}
