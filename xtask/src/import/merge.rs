//! Upstream merged with the curated facts, section by section of the spec:
//! the actions, the objects they reach, the service and its error codes.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::Notes;
use super::curated::{Curated, Section};
use super::examples::{self, UpstreamExamples};
use super::upstream::{Action, Api, ErrorCode, Member, Object};

/// What the members merged so far reach.
#[derive(Default)]
pub struct Used {
    /// The objects they name, whose own members are merged next.
    objects: BTreeSet<String>,
    /// The curated member keys they matched; the others are noted unused.
    keys: BTreeSet<String>,
}

/// The spec's actions, and which of them have upstream's examples.
pub fn actions(
    api: &Api<'_>,
    cur: &Curated<'_>,
    actions: &[Action<'_>],
    examples: &Value,
    used: &mut Used,
    notes: &mut Notes,
) -> Result<(Map<String, Value>, UpstreamExamples), String> {
    let mut out = Map::new();
    let mut from_upstream = UpstreamExamples::new();
    for a in actions {
        let (spec, numbers) = action(api, cur, a, examples, used, notes)?;
        if let Some(numbers) = numbers {
            from_upstream.insert(a.name.to_owned(), numbers);
        }
        out.insert(a.name.to_owned(), spec);
    }
    for a in cur.actions.keys() {
        if !out.contains_key(a) {
            notes.add(format!(
                "curated facts for action {a}, which upstream does not have: unused"
            ));
        }
    }
    Ok((out, from_upstream))
}

/// One action, and the numbers upstream of the examples kept if they come
/// from upstream rather than curated facts.
fn action(
    api: &Api<'_>,
    cur: &Curated<'_>,
    a: &Action<'_>,
    examples: &Value,
    used: &mut Used,
    notes: &mut Notes,
) -> Result<(Value, Option<Vec<usize>>), String> {
    if let Some(status) = a.status
        && status != "online"
    {
        notes.add(format!("{}: upstream status is {status:?}", a.name));
    }
    let request = shape(api, cur, a, a.input, "request", used, notes)?;
    let response = shape(api, cur, a, a.output, "response", used, notes)?;
    let facts = cur.action(a.name);
    let mut out = Map::new();
    // The spec's title must not be empty; upstream's may be.
    let title = a.title()?;
    let title = if title.trim().is_empty() {
        a.name
    } else {
        title
    };
    out.insert("name".into(), json!(title));
    out.insert("document".into(), json!(a.document()?));
    if let Some(r) = facts.rust_name {
        out.insert("rust_name".into(), r.clone());
    }
    out.insert(
        "rate_limit_per_second".into(),
        json!(facts.rate_limit_per_second),
    );
    out.insert("retry_safe".into(), json!(facts.retry_safe));
    out.insert("request".into(), request);
    out.insert("response".into(), response);
    if let Some(errors) = facts.errors {
        out.insert("errors".into(), errors.clone());
    }
    let (examples, numbers) = match facts.examples {
        Some(e) => (e.clone(), None),
        None => {
            let (kept, numbers) = examples::from_upstream(api, a, examples, notes);
            (Value::Array(kept), Some(numbers))
        }
    };
    if examples.as_array().is_some_and(|e| !e.is_empty()) {
        out.insert("examples".into(), examples);
    }
    if let Some(p) = super::paging::paginated(api, a, facts.paginated, notes)? {
        out.insert("paginated".into(), p);
    }
    if let Some(w) = facts.waiters {
        out.insert("waiters".into(), w.clone());
    }
    Ok((Value::Object(out), numbers))
}

/// An action's request or response: the members of object `name`, inlined.
fn shape(
    api: &Api<'_>,
    cur: &Curated<'_>,
    a: &Action<'_>,
    name: &str,
    part: &str,
    used: &mut Used,
    notes: &mut Notes,
) -> Result<Value, String> {
    if !api.has_object(name) {
        return Err(format!(
            "{}: {part} object {name:?} is not in api.json.objects",
            a.path()
        ));
    }
    let object = api.object(name)?;
    let owner = format!("{}.{part}", a.name);
    let members = members(api, cur, &object, &owner, used, notes);
    Ok(json!({
        "document": object.document,
        "members": members,
    }))
}

/// An object's members, with the curated facts keyed `owner.Member`.
fn members(
    api: &Api<'_>,
    cur: &Curated<'_>,
    object: &Object<'_>,
    owner: &str,
    used: &mut Used,
    notes: &mut Notes,
) -> Value {
    for name in &object.disabled {
        notes.add(format!("{owner}.{name}: disabled upstream, left out"));
    }
    object
        .members
        .iter()
        .map(|m| member(api, cur, m, owner, used))
        .collect()
}

fn member(api: &Api<'_>, cur: &Curated<'_>, m: &Member<'_>, owner: &str, used: &mut Used) -> Value {
    if api.has_object(m.member) {
        used.objects.insert(m.member.to_owned());
    }
    let mut o = Map::new();
    o.insert("name".into(), json!(m.name));
    o.insert("type".into(), json!(m.ty));
    o.insert("member".into(), json!(m.member));
    for (flag, on) in [
        ("required", m.required),
        ("output_required", m.output_required),
        ("value_allowed_null", m.value_allowed_null),
    ] {
        if on {
            o.insert(flag.into(), json!(true));
        }
    }
    o.insert("document".into(), json!(m.document));
    // Each curated fact found marks its key used.
    let key = format!("{owner}.{}", m.name);
    let mut curated = |section: Section<'_>| {
        let fact = section.get(&key).cloned();
        if fact.is_some() {
            used.keys.insert(key.clone());
        }
        fact
    };
    if let Some(e) = curated(cur.member_examples).or_else(|| m.example.cloned()) {
        o.insert("example".into(), e);
    }
    // `false` rejects a proposal (value_sets.rs): no set.
    if let Some(v) = curated(cur.value_set_members).filter(Value::is_string) {
        o.insert("value_set".into(), v);
    }
    // Marks the key used; value_sets.rs and times.rs apply it.
    let _ = curated(cur.member_types);
    if curated(cur.sensitive_members) == Some(Value::Bool(true)) {
        o.insert("sensitive".into(), Value::Bool(true));
    }
    if let Some(r) = curated(cur.rust_names) {
        o.insert("rust_name".into(), r);
    }
    Value::Object(o)
}

/// Every object the actions reach (from `used.objects`), in name order.
/// The objects no action reaches are noted.
pub fn objects(
    api: &Api<'_>,
    cur: &Curated<'_>,
    actions: &[Action<'_>],
    used: &mut Used,
    notes: &mut Notes,
) -> Result<Map<String, Value>, String> {
    let mut objects = Map::new();
    let mut queue: Vec<String> = used.objects.iter().cloned().collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    while let Some(name) = queue.pop() {
        let object = api.object(&name)?;
        let mut more = Used::default();
        let members = members(api, cur, &object, &name, &mut more, notes);
        for r in more.objects {
            if seen.insert(r.clone()) {
                queue.push(r);
            }
        }
        used.keys.extend(more.keys);
        let mut out = Map::new();
        out.insert("document".into(), json!(object.document));
        if let Some(r) = cur.rust_names.get(&name) {
            out.insert("rust_name".into(), r.clone());
        }
        out.insert("members".into(), members);
        objects.insert(name, Value::Object(out));
    }
    // Inlined request/response objects are not objects of their own.
    let inlined: BTreeSet<&str> = actions.iter().flat_map(|a| [a.input, a.output]).collect();
    for o in api.object_names() {
        if !inlined.contains(o) && !seen.contains(o) {
            notes.add(format!("object {o} is used by no action: left out"));
        }
    }
    Ok(objects)
}

/// Upstream's error codes less the common ones (curated's).
pub fn service_errors(cur: &Curated<'_>, errors: &[ErrorCode], notes: &mut Notes) -> Vec<Value> {
    let common: BTreeSet<&str> = cur
        .common_errors
        .iter()
        .filter_map(|e| e.get("code").and_then(Value::as_str))
        .collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for e in errors {
        if !seen.insert(e.code.as_str()) {
            notes.add(format!("error code {} is listed twice upstream", e.code));
            continue;
        }
        if !common.contains(e.code.as_str()) {
            out.push(json!({"code": e.code, "document": e.document}));
        }
    }
    out
}

/// The service section: upstream's, or what curated says instead.
pub fn service(api: &Api<'_>, cur: &Curated<'_>) -> Value {
    let text = |key: &str, default: String| cur.service_text(key).map_or(default, str::to_owned);
    let name = api.name;
    let title = api.title.map_or_else(|| name.to_uppercase(), str::to_owned);
    let request_id = api
        .request_id_document()
        .unwrap_or("The unique request ID.");
    json!({
        "name": name,
        "title": text("title", title),
        "version": api.version,
        "endpoint": text("endpoint", format!("{name}.tencentcloudapi.com")),
        "signing_service": text("signing_service", name.to_owned()),
        "document": text("document", String::new()),
        "request_id_document": text("request_id_document", request_id.to_owned()),
    })
}

/// Notes the curated member facts that matched no member.
pub fn note_unused_keys(api: &Api<'_>, cur: &Curated<'_>, used: &Used, notes: &mut Notes) {
    let keys = cur
        .value_set_members
        .keys()
        .chain(cur.member_types.keys())
        .chain(cur.member_examples.keys())
        .chain(cur.sensitive_members.keys())
        .chain(cur.rust_names.keys());
    for key in keys {
        // An object's Rust name is keyed by the object.
        if !used.keys.contains(key) && !api.has_object(key) {
            notes.add(format!(
                "curated key {key} matches no member upstream: unused"
            ));
        }
    }
}
