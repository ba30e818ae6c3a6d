//! Which actions answer in pages, proposed from the shapes Tencent
//! publishes: a request with integer `Offset` and `Limit` members, and an
//! answer holding a list (directly, or in one object member) beside an
//! integer total. Each proposal is noted; `paginated` in an action's
//! curated facts replaces it (`false`: not paged).

use serde_json::{Value, json};

use super::Notes;
use super::upstream::{Action, Api, Member};

const OFFSET: &str = "Offset";
const LIMIT: &str = "Limit";
const INTEGERS: [&str; 2] = ["int64", "uint64"];

/// The `paginated` entry of action `a`: curated's if it has one, else the
/// proposal (noted), else none.
pub fn paginated(
    api: &Api<'_>,
    a: &Action<'_>,
    curated: Option<&Value>,
    notes: &mut Notes,
) -> Result<Option<Value>, String> {
    match curated {
        Some(Value::Bool(false)) => return Ok(None),
        Some(v @ Value::Object(_)) => return Ok(Some(v.clone())),
        Some(other) => {
            return Err(format!(
                "curated.actions.{}.paginated: expected false or an object, got {other}",
                a.name
            ));
        }
        None => {}
    }
    let proposed = propose(api, a)?;
    if let Some(p) = &proposed {
        let total = p["total"]
            .as_str()
            .map_or(String::new(), |t| format!(", total {t}"));
        notes.add(format!(
            "{}: paginated (proposed: {OFFSET}/{LIMIT}, items {}{total})",
            a.name,
            p["items"].as_str().unwrap_or_default()
        ));
    }
    Ok(proposed)
}

fn is_integer(m: &Member<'_>) -> bool {
    m.ty != "list" && INTEGERS.contains(&m.member)
}

fn propose(api: &Api<'_>, a: &Action<'_>) -> Result<Option<Value>, String> {
    let request = api.object(a.input)?;
    let has = |name: &str| {
        request
            .members
            .iter()
            .any(|m| m.name == name && is_integer(m))
    };
    if !(has(OFFSET) && has(LIMIT)) {
        return Ok(None);
    }
    let response = api.object(a.output)?;
    // The list and total at the top, else in the one object member that
    // holds a list.
    if let Some(found) = list_and_total(&response.members, "") {
        return Ok(Some(found));
    }
    for m in response.members.iter().filter(|m| m.ty == "object") {
        let inner = api.object(m.member)?;
        if let Some(found) = list_and_total(&inner.members, &format!("{}.", m.name)) {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// `{offset, limit, items, total}` when `members` hold exactly one list
/// (and at most one integer whose name says total).
fn list_and_total(members: &[Member<'_>], prefix: &str) -> Option<Value> {
    let lists: Vec<&Member<'_>> = members.iter().filter(|m| m.ty == "list").collect();
    let [list] = lists.as_slice() else {
        return None;
    };
    let totals: Vec<&Member<'_>> = members
        .iter()
        .filter(|m| is_integer(m) && m.name.to_ascii_lowercase().contains("total"))
        .collect();
    let mut entry = json!({
        "offset": OFFSET,
        "limit": LIMIT,
        "items": format!("{prefix}{}", list.name),
    });
    if let [total] = totals.as_slice() {
        entry["total"] = json!(format!("{prefix}{}", total.name));
    }
    Some(entry)
}
