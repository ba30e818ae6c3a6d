//! `cargo xtask import`: Tencent's published descriptions plus our curated
//! facts become the spec the generator reads.
//!
//! Upstream (`api.json`, `examples.json`, `errorcodes.py`) gives every
//! action, object, member, document and example; `spec/curated.json` adds
//! what Tencent does not publish (rate limits, retry safety, the seeded
//! actions' error codes and examples, value sets, Rust names). Nothing of
//! upstream is retyped by hand, so a refresh is: replace the files, import,
//! review the report, regenerate.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

/// Tencent's default rate limit, for actions with none documented.
const DEFAULT_RATE_LIMIT: u64 = 20;
/// Verbs that only read: retry-safe unless curated says otherwise.
const READ_ONLY_PREFIXES: [&str; 5] = ["Describe", "Get", "List", "Query", "Check"];

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

/// What an import found worth a reviewer's eye, besides the changes.
#[derive(Default)]
pub struct Notes {
    pub lines: Vec<String>,
}

impl Notes {
    fn add(&mut self, line: String) {
        self.lines.push(line);
    }
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

/// The path-qualified lookups into `api.json`.
struct Api<'a> {
    actions: &'a Map<String, Value>,
    objects: &'a Map<String, Value>,
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

/// Builds the spec (as our format's JSON) from upstream and curated facts.
pub fn build(up: &Upstream, curated: Option<&Value>) -> Result<(Value, Notes), String> {
    let mut notes = Notes::default();
    let root = obj(&up.api, "api.json")?;
    let api = Api {
        actions: obj(
            root.get("actions").unwrap_or(&Value::Null),
            "api.json.actions",
        )?,
        objects: obj(
            root.get("objects").unwrap_or(&Value::Null),
            "api.json.objects",
        )?,
    };
    let meta = obj(
        root.get("metadata").unwrap_or(&Value::Null),
        "api.json.metadata",
    )?;
    let name = text(meta, "serviceShortName", "api.json.metadata")?;
    let version = text(meta, "apiVersion", "api.json.metadata")?;
    let empty = Map::new();
    let cur = match curated {
        Some(c) => obj(c, "curated")?,
        None => &empty,
    };
    let cur_get = |key: &str| cur.get(key).and_then(Value::as_object).unwrap_or(&empty);
    let cur_actions = cur_get("actions");
    let value_set_members = cur_get("value_set_members");
    let member_examples = cur_get("member_examples");
    let rust_names = cur_get("rust_names");
    let defaults = cur_get("defaults");
    let default_limit = defaults
        .get("rate_limit_per_second")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_RATE_LIMIT);

    // Inlined request/response objects are not objects of their own.
    let mut inlined = BTreeSet::new();
    for (a, act) in api.actions {
        let act = obj(act, &format!("api.json.actions.{a}"))?;
        inlined.insert(text(act, "input", &format!("api.json.actions.{a}"))?);
        inlined.insert(text(act, "output", &format!("api.json.actions.{a}"))?);
    }

    let mut used = Used::default();
    let mut actions = Map::new();
    // Actions whose examples come from upstream rather than curated facts,
    // with each kept example's number upstream (from 1), for the notes.
    let mut from_upstream = BTreeMap::new();
    for (a, act) in api.actions {
        let path = format!("api.json.actions.{a}");
        let act = obj(act, &path)?;
        if let Some(status) = act.get("status").and_then(Value::as_str)
            && status != "online"
        {
            notes.add(format!("{a}: upstream status is {status:?}"));
        }
        let input = text(act, "input", &path)?;
        let output = text(act, "output", &path)?;
        let shape = |o: &str, part: &str, used: &mut Used, notes: &mut Notes| {
            let object = api
                .objects
                .get(o)
                .ok_or_else(|| format!("{path}: {part} object {o:?} is not in api.json.objects"))?;
            let object = obj(object, &format!("api.json.objects.{o}"))?;
            let owner = format!("{a}.{part}");
            let members = members(
                &api,
                object,
                o,
                &owner,
                &Lookups {
                    value_sets: value_set_members,
                    examples: member_examples,
                    rust_names,
                },
                used,
                notes,
            )?;
            Ok::<_, String>(json!({
                "document": text(object, "document", &format!("api.json.objects.{o}"))?,
                "members": members,
            }))
        };
        let request = shape(input, "request", &mut used, &mut notes)?;
        let response = shape(output, "response", &mut used, &mut notes)?;
        let c = cur_actions
            .get(a)
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut out = Map::new();
        // The spec's title must not be empty; upstream's may be.
        let title = text(act, "name", &path)?;
        let title = if title.trim().is_empty() { a } else { title };
        out.insert("name".into(), json!(title));
        out.insert("document".into(), json!(text(act, "document", &path)?));
        if let Some(r) = c.get("rust_name") {
            out.insert("rust_name".into(), r.clone());
        }
        let limit = c
            .get("rate_limit_per_second")
            .and_then(Value::as_u64)
            .unwrap_or(default_limit);
        out.insert("rate_limit_per_second".into(), json!(limit));
        let safe = match c.get("retry_safe").and_then(Value::as_bool) {
            Some(s) => s,
            None => READ_ONLY_PREFIXES.iter().any(|p| a.starts_with(p)),
        };
        out.insert("retry_safe".into(), json!(safe));
        out.insert("request".into(), request);
        out.insert("response".into(), response);
        if let Some(errors) = c.get("errors") {
            out.insert("errors".into(), errors.clone());
        }
        let examples = match c.get("examples") {
            Some(e) => e.clone(),
            None => {
                let (kept, numbers) = upstream_examples(&api, a, act, &up.examples, &mut notes);
                from_upstream.insert(a.clone(), numbers);
                Value::Array(kept)
            }
        };
        if examples.as_array().is_some_and(|e| !e.is_empty()) {
            out.insert("examples".into(), examples);
        }
        actions.insert(a.clone(), Value::Object(out));
    }
    for a in cur_actions.keys() {
        if !api.actions.contains_key(a) {
            notes.add(format!(
                "curated facts for action {a}, which upstream does not have: unused"
            ));
        }
    }

    // Every object the actions reach, in name order.
    let mut objects = Map::new();
    let mut queue: Vec<String> = used.objects.iter().cloned().collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    while let Some(o) = queue.pop() {
        let object = obj(&api.objects[&o], &format!("api.json.objects.{o}"))?;
        let mut more = Used::default();
        let members = members(
            &api,
            object,
            &o,
            &o,
            &Lookups {
                value_sets: value_set_members,
                examples: member_examples,
                rust_names,
            },
            &mut more,
            &mut notes,
        )?;
        for r in more.objects {
            if seen.insert(r.clone()) {
                queue.push(r);
            }
        }
        used.keys.extend(more.keys);
        let mut out = Map::new();
        out.insert(
            "document".into(),
            json!(text(object, "document", &format!("api.json.objects.{o}"))?),
        );
        if let Some(r) = rust_names.get(&o) {
            out.insert("rust_name".into(), r.clone());
        }
        out.insert("members".into(), members);
        objects.insert(o, Value::Object(out));
    }
    for o in api.objects.keys() {
        if !inlined.contains(o.as_str()) && !seen.contains(o) {
            notes.add(format!("object {o} is used by no action: left out"));
        }
    }

    let common: Vec<Value> = cur
        .get("common_errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let common_codes: BTreeSet<&str> = common
        .iter()
        .filter_map(|e| e.get("code").and_then(Value::as_str))
        .collect();
    let mut service_errors = Vec::new();
    let mut codes_seen = BTreeSet::new();
    for e in &up.errors {
        if !codes_seen.insert(e.code.as_str()) {
            notes.add(format!("error code {} is listed twice upstream", e.code));
            continue;
        }
        if !common_codes.contains(e.code.as_str()) {
            service_errors.push(json!({"code": e.code, "document": e.document}));
        }
    }

    let s = cur_get("service");
    let service_text = |key: &str, default: String| {
        s.get(key)
            .and_then(Value::as_str)
            .map_or(default, str::to_owned)
    };
    let request_id_doc = api
        .objects
        .values()
        .filter_map(|o| o.get("members")?.as_array())
        .flatten()
        .filter(|m| m.get("name").and_then(Value::as_str) == Some("RequestId"))
        .filter_map(|m| m.get("document")?.as_str())
        .find(|d| !d.trim().is_empty())
        .unwrap_or("The unique request ID.")
        .to_owned();
    let title = meta
        .get("serviceNameCN")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .map_or_else(|| name.to_uppercase(), str::to_owned);
    let service = json!({
        "name": name,
        "title": service_text("title", title),
        "version": version,
        "endpoint": service_text("endpoint", format!("{name}.tencentcloudapi.com")),
        "signing_service": service_text("signing_service", name.to_owned()),
        "document": service_text("document", String::new()),
        "request_id_document": service_text("request_id_document", request_id_doc),
    });

    let mut spec = Map::new();
    spec.insert("$schema".into(), json!("./tcmpp.schema.json"));
    spec.insert(
        "$comment".into(),
        json!("Written by `cargo xtask import` from spec/upstream/ and spec/curated.json: edit those, not this file."),
    );
    spec.insert("format_version".into(), json!(1));
    spec.insert("service".into(), service);
    spec.insert("actions".into(), Value::Object(actions));
    spec.insert("objects".into(), Value::Object(objects));
    if let Some(v) = cur.get("value_sets") {
        spec.insert("value_sets".into(), v.clone());
    }
    spec.insert("common_errors".into(), Value::Array(common));
    spec.insert("service_errors".into(), Value::Array(service_errors));
    for (key, _) in value_set_members
        .iter()
        .chain(member_examples)
        .chain(rust_names)
    {
        if !used.keys.contains(key) && !api.objects.contains_key(key) {
            notes.add(format!(
                "curated key {key} matches no member upstream: unused"
            ));
        }
    }
    let mut spec = Value::Object(spec);
    leave_out_refused(&mut spec, &from_upstream, &mut notes);
    Ok((spec, notes))
}

/// What the generator refuses of what came from upstream is left out, each
/// with the generator's reason, so that nothing Tencent publishes stops
/// generation: an example whose answer the client could not read (text
/// for an integer, no `RequestId`), the request of an example (the answer
/// stays), a service error code that is not dotted words
/// (`InvalidParameter.`: the client reports it as unhandled, code kept).
/// Curated facts are left for the generator to report.
fn leave_out_refused(
    spec: &mut Value,
    from_upstream: &BTreeMap<String, Vec<usize>>,
    notes: &mut Notes,
) {
    let Err(err) = codegen::load(&to_text(spec)) else {
        return;
    };
    // (action, example index) -> whether only the request is refused.
    let mut examples: BTreeMap<(&str, usize), bool> = BTreeMap::new();
    let mut codes = BTreeMap::new();
    for p in &err.problems {
        if let Some(i) = p
            .path
            .strip_prefix("service_errors[")
            .and_then(|r| r.split_once(']'))
            .and_then(|(i, _)| i.parse::<usize>().ok())
        {
            codes.insert(i, &p.message);
        } else if let Some((action, i, rest)) = example_path(&p.path)
            && let Some(numbers) = from_upstream.get(action)
        {
            let request_only = rest.starts_with(".request");
            *examples.entry((action, i)).or_insert(true) &= request_only;
            // Worded as the importer's own notes: `response.X`, not
            // `response.Response.X`.
            let at = rest.trim_start_matches('.');
            let at = at
                .strip_prefix("response.Response")
                .map_or_else(|| at.to_owned(), |r| format!("response{r}"));
            let n = numbers.get(i).copied().unwrap_or(i + 1);
            notes.add(format!("{action} example {n}: {at}: {}", p.message));
        }
    }
    if let Some(list) = spec.get_mut("service_errors").and_then(Value::as_array_mut) {
        for (&i, message) in codes.iter().rev() {
            if i < list.len() {
                list.remove(i);
                notes.add(format!(
                    "service error code left out: {message} (the client reports it as unhandled)"
                ));
            }
        }
    }
    for (&(action, i), &request_only) in examples.iter().rev() {
        let n = from_upstream
            .get(action)
            .and_then(|numbers| numbers.get(i))
            .copied()
            .unwrap_or(i + 1);
        let Some(action_spec) = spec
            .get_mut("actions")
            .and_then(|a| a.get_mut(action))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let Some(list) = action_spec
            .get_mut("examples")
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        if request_only {
            if let Some(x) = list.get_mut(i).and_then(Value::as_object_mut) {
                x.remove("request");
                notes.add(format!("{action} example {n}: request left out"));
            }
        } else if i < list.len() {
            list.remove(i);
            notes.add(format!("{action} example {n}: example left out"));
        }
        if list.is_empty() {
            action_spec.remove("examples");
        }
    }
}

/// `actions.A.examples[i]<rest>` as `(A, i, rest)`.
fn example_path(path: &str) -> Option<(&str, usize, &str)> {
    let (action, rest) = path.strip_prefix("actions.")?.split_once(".examples[")?;
    let (i, rest) = rest.split_once(']')?;
    Some((action, i.parse().ok()?, rest))
}

/// Curated facts keyed by member (`Object.Member`, `Action.request.Member`).
struct Lookups<'a> {
    value_sets: &'a Map<String, Value>,
    examples: &'a Map<String, Value>,
    rust_names: &'a Map<String, Value>,
}

#[derive(Default)]
struct Used {
    objects: BTreeSet<String>,
    keys: BTreeSet<String>,
}

/// Upstream's placeholder for "no example".
fn no_example(v: &Value) -> bool {
    matches!(v.as_str(), Some("" | "无" | "无。" | "null"))
}

fn members(
    api: &Api<'_>,
    object: &Map<String, Value>,
    object_name: &str,
    owner: &str,
    lookups: &Lookups<'_>,
    used: &mut Used,
    notes: &mut Notes,
) -> Result<Value, String> {
    let path = format!("api.json.objects.{object_name}.members");
    let list = object
        .get("members")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{path}: expected a list"))?;
    let mut out = Vec::new();
    for (i, m) in list.iter().enumerate() {
        let mpath = format!("{path}[{i}]");
        let m = obj(m, &mpath)?;
        let name = text(m, "name", &mpath)?;
        if m.get("disabled").and_then(Value::as_bool) == Some(true) {
            notes.add(format!("{owner}.{name}: disabled upstream, left out"));
            continue;
        }
        let member = text(m, "member", &mpath)?;
        if api.objects.contains_key(member) {
            used.objects.insert(member.to_owned());
        }
        let key = format!("{owner}.{name}");
        let mut o = Map::new();
        o.insert("name".into(), json!(name));
        o.insert("type".into(), json!(text(m, "type", &mpath)?));
        o.insert("member".into(), json!(member));
        for flag in ["required", "output_required", "value_allowed_null"] {
            if m.get(flag).and_then(Value::as_bool) == Some(true) {
                o.insert(flag.into(), json!(true));
            }
        }
        o.insert("document".into(), json!(text(m, "document", &mpath)?));
        let example = lookups
            .examples
            .get(&key)
            .cloned()
            .or_else(|| m.get("example").filter(|e| !no_example(e)).cloned());
        if lookups.examples.contains_key(&key) {
            used.keys.insert(key.clone());
        }
        if let Some(e) = example {
            o.insert("example".into(), e);
        }
        if let Some(v) = lookups.value_sets.get(&key) {
            used.keys.insert(key.clone());
            o.insert("value_set".into(), v.clone());
        }
        if let Some(r) = lookups.rust_names.get(&key) {
            used.keys.insert(key.clone());
            o.insert("rust_name".into(), r.clone());
        }
        out.push(Value::Object(o));
    }
    Ok(Value::Array(out))
}

/// An action's examples from `examples.json`: the request is HTTP text
/// whose body follows the first blank line; the answer is JSON. Examples
/// that cannot be read are reported and left out; ones that do not fit the
/// described shape are reported and kept (the client must read them).
fn upstream_examples(
    api: &Api<'_>,
    action: &str,
    act: &Map<String, Value>,
    examples: &Value,
    notes: &mut Notes,
) -> (Vec<Value>, Vec<usize>) {
    let list = examples
        .get("actions")
        .and_then(|a| a.get(action))
        .and_then(Value::as_array);
    let Some(list) = list else {
        notes.add(format!("{action}: no example upstream"));
        return (Vec::new(), Vec::new());
    };
    let input = act.get("input").and_then(Value::as_str).unwrap_or_default();
    let output = act
        .get("output")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut numbers = Vec::new();
    for (i, e) in list.iter().enumerate() {
        let label = format!("{action} example {}", i + 1);
        let title = e
            .get("title")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(action);
        let request_text = e.get("input").and_then(Value::as_str).unwrap_or_default();
        let body = request_text
            .split_once("\n\n")
            .map_or(request_text, |(_, b)| b);
        let request = match serde_json::from_str::<Value>(body) {
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
        };
        let response = match e
            .get("output")
            .and_then(Value::as_str)
            .map(serde_json::from_str::<Value>)
        {
            Some(Ok(v)) if v.get("Response").is_some_and(Value::is_object) => v,
            Some(Ok(_)) => {
                notes.add(format!(
                    "{label}: the answer has no Response object: example left out"
                ));
                continue;
            }
            Some(Err(err)) => {
                notes.add(format!(
                    "{label}: the answer is not JSON ({err}): example left out"
                ));
                continue;
            }
            None => {
                notes.add(format!("{label}: no answer: example left out"));
                continue;
            }
        };
        // A request that does not fit would not build through the typed
        // client: reported and left out. An answer that does not fit is
        // kept, since the client must read what the service sends, less the
        // members the spec does not describe (which the client skips); one
        // the client cannot read at all is left out later, when the
        // generator refuses it (`leave_out_refused`).
        let request = request.and_then(|mut r| {
            let problems = misfits(api, &mut r, input, "request", false);
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
        let mut response = response;
        for p in misfits(api, &mut response["Response"], output, "response", true) {
            notes.add(format!("{label}: {p}"));
        }
        let mut x = Map::new();
        x.insert("title".into(), json!(title));
        if let Some(r) = request {
            x.insert("request".into(), r);
        }
        x.insert("response".into(), response);
        out.push(Value::Object(x));
        numbers.push(i + 1);
    }
    (out, numbers)
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
        let Some(members) = self
            .api
            .objects
            .get(object)
            .and_then(|o| o.get("members"))
            .and_then(Value::as_array)
        else {
            return;
        };
        let Some(map) = v.as_object_mut() else {
            self.out.push(format!(
                "{path}: described as object {object}, found {}",
                short(v)
            ));
            return;
        };
        let enabled = |m: &&Value| m.get("disabled").and_then(Value::as_bool) != Some(true);
        if path.starts_with("request") {
            for m in members.iter().filter(enabled) {
                let name = m.get("name").and_then(Value::as_str).unwrap_or_default();
                let required = m.get("required").and_then(Value::as_bool) == Some(true);
                if required && !map.contains_key(name) {
                    self.out.push(format!("{path}.{name}: required, missing"));
                }
            }
        }
        let top_of_answer = path.ends_with("response");
        let mut undescribed = Vec::new();
        for (k, x) in map.iter_mut() {
            if top_of_answer && (k == "RequestId" || k == "Error") {
                continue;
            }
            match members
                .iter()
                .filter(enabled)
                .find(|m| m.get("name").and_then(Value::as_str) == Some(k))
            {
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

    fn member(&mut self, v: &mut Value, m: &Value, path: &str) {
        let ty = m.get("type").and_then(Value::as_str).unwrap_or_default();
        let member = m.get("member").and_then(Value::as_str).unwrap_or_default();
        if v.is_null() {
            return;
        }
        if ty == "list" {
            match v.as_array_mut() {
                Some(items) => {
                    for (i, x) in items.iter_mut().enumerate() {
                        self.scalar_or_object(x, member, &format!("{path}[{i}]"));
                    }
                }
                None => self
                    .out
                    .push(format!("{path}: described as a list, found {}", short(v))),
            }
        } else {
            self.scalar_or_object(v, member, path);
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

/// One change between two specs.
#[derive(Debug, PartialEq, Eq)]
pub struct Change {
    pub breaking: bool,
    pub what: String,
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

    #[test]
    fn text_orders_keys_for_reading() {
        let v = json!({"members": [], "document": "d", "name": "n", "zeta": {"a": 1}});
        assert_eq!(
            to_text(&v),
            "{\n  \"name\": \"n\",\n  \"document\": \"d\",\n  \"members\": [],\n  \"zeta\": {\n    \"a\": 1\n  }\n}\n"
        );
    }
}
