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
    let (os, ns) = (map(old, "value_sets"), map(new, "value_sets"));
    for (name, n) in &ns {
        match os.get(name) {
            None => push(false, format!("value set {name} added ({})", set_values(n))),
            Some(o) => {
                let (ov, nv) = (set_variants(o), set_variants(n));
                // A value gone, or renamed, removes a variant users match.
                let lost: Vec<&String> = ov.iter().filter(|v| !nv.contains(v)).collect();
                if o.get("type") != n.get("type") || !lost.is_empty() {
                    push(
                        true,
                        format!(
                            "value set {name} changed: {} -> {}",
                            set_values(o),
                            set_values(n)
                        ),
                    );
                } else if ov != nv {
                    push(
                        false,
                        format!(
                            "value set {name} gained values: {}",
                            nv.iter()
                                .filter(|v| !ov.contains(v))
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
    }
    for name in os.keys().filter(|s| !ns.contains_key(*s)) {
        push(true, format!("value set {name} removed"));
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

/// A value set's values and names: `1 Pending, 20 Running`.
fn set_values(set: &Value) -> String {
    set_variants(set).join(", ")
}

fn set_variants(set: &Value) -> Vec<String> {
    set.get("values")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| {
            let value = match v.get("value") {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => "?".to_owned(),
            };
            match v.get("name").and_then(Value::as_str) {
                Some(n) => format!("{value} {n}"),
                None => value,
            }
        })
        .collect()
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
                // A member's Rust type is its value set's enum: gaining,
                // losing or changing one changes the type.
                let set = |m: &Value| {
                    m.get("value_set")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                if set(o) != set(n) {
                    let show = |s: Option<String>| s.unwrap_or_else(|| "none".to_owned());
                    push(
                        true,
                        format!(
                            "{owner}.{name} value set: {} -> {}",
                            show(set(o)),
                            show(set(n))
                        ),
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
mod value_set_tests {
    use serde_json::json;

    use super::*;

    /// A member's type changing to or from an enum breaks code that reads
    /// it; a set gaining a value does not (its enum is `non_exhaustive`),
    /// losing or renaming one does.
    #[test]
    fn value_sets_added_changed_and_members_retyped() {
        let set =
            |values: serde_json::Value| json!({"type": "int64", "document": "", "values": values});
        let member = |set: Option<&str>| {
            let mut m = json!({"name": "S", "type": "int", "member": "int64"});
            if let Some(s) = set {
                m["value_set"] = json!(s);
            }
            m
        };
        let old = json!({
            "objects": {"O": {"members": [member(None)]}, "P": {"members": [member(Some("Kind"))]}},
            "value_sets": {
                "Kind": set(json!([{"value": 1, "name": "A"}])),
                "Grows": set(json!([{"value": 1, "name": "A"}])),
                "Gone": set(json!([{"value": 1, "name": "A"}]))
            }
        });
        let new = json!({
            "objects": {"O": {"members": [member(Some("Status"))]}, "P": {"members": [member(None)]}},
            "value_sets": {
                "Kind": set(json!([{"value": 1, "name": "B"}])),
                "Grows": set(json!([{"value": 1, "name": "A"}, {"value": 2, "name": "C"}])),
                "Status": set(json!([{"value": 1, "name": "Pending"}, {"value": 20, "name": "Running"}]))
            }
        });
        let got: Vec<(bool, String)> = changes(&old, &new)
            .into_iter()
            .map(|c| (c.breaking, c.what))
            .collect();
        assert_eq!(
            got,
            [
                (true, "O.S value set: none -> Status".to_owned()),
                (true, "P.S value set: Kind -> none".to_owned()),
                (false, "value set Grows gained values: 2 C".to_owned()),
                (true, "value set Kind changed: 1 A -> 1 B".to_owned()),
                (
                    false,
                    "value set Status added (1 Pending, 20 Running)".to_owned()
                ),
                (true, "value set Gone removed".to_owned()),
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
