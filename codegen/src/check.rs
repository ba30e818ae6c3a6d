//! Stage 2: raw spec to checked IR.
//!
//! Resolves type references, decides Rust names (unique per scope, see
//! `claim`), and rejects what would produce broken or ambiguous code:
//! duplicate wire names, taken or unusable overrides, dangling references,
//! value-set mismatches, recursive objects, and examples that do not fit
//! their shapes.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::claim::{
    Case, Names, RESERVED_MEMBERS, RESERVED_MODULES, RESERVED_RESPONSE, RESERVED_TYPES, UNHANDLED,
    UNKNOWN, camel_name, converted_camel, is_variant_stem, member_names, snake_name,
    valid_override,
};
use crate::diag::{Diag, child};
use crate::ir::{
    Action, Api, ErrorCode, Example, Field, Model, PageMember, Pagination, Service, SetKind,
    SetLiteral, SetValue, Shape, Type, ValueSet, Waiter,
};
use crate::load::{
    RawAction, RawError, RawExample, RawMember, RawObject, RawPagination, RawSpec, RawValueSet,
    kind,
};
use crate::names::{
    camel, is_camel_ident, is_error_code, is_rust_ident, is_wire_name, snake, type_ident,
};

/// Wire name of the member every response carries.
const REQUEST_ID: &str = "RequestId";

pub(crate) fn check(raw: RawSpec, d: &mut Diag) -> Option<Api> {
    let service = raw.service.map(|s| {
        if !s.version.is_empty() && !is_api_version(&s.version) {
            d.report(&child(&s.path, "version"), format!("expected a version like 2024-08-01, found \"{}\"", s.version));
        }
        if !s.endpoint.is_empty() && !is_host(&s.endpoint) {
            d.report(
                &child(&s.path, "endpoint"),
                format!("expected a host name such as tcmpp.tencentcloudapi.com (no scheme, port or path), found \"{}\"", s.endpoint),
            );
        }
        Service {
            name: s.name,
            title: s.title,
            version: s.version,
            endpoint: s.endpoint,
            signing_service: s.signing_service,
            document: s.document,
            request_id_document: s.request_id_document,
        }
    });

    // Names of the `models` module share one namespace: value sets and
    // objects first, then the builders, so a builder yields to an object.
    let mut model_names = Names::reserving(RESERVED_TYPES);
    let set_names: Vec<String> = raw
        .value_sets
        .iter()
        .map(|s| {
            type_name(
                &s.name,
                &s.rust_name,
                &s.path,
                "value set",
                &mut model_names,
                d,
            )
        })
        .collect();
    let object_names: Vec<String> = raw
        .objects
        .iter()
        .map(|o| {
            type_name(
                &o.name,
                &o.rust_name,
                &o.path,
                "object",
                &mut model_names,
                d,
            )
        })
        .collect();
    let builder_names: Vec<String> = raw
        .objects
        .iter()
        .zip(&object_names)
        .map(|(o, name)| {
            let stem = format!("{}Builder", name.trim_end_matches('_'));
            converted_camel(stem, &o.name, &o.path, &mut model_names)
        })
        .collect();
    let mut schemas = Names::reserving(&["SERVICE", "ACTIONS", "OPERATIONS"]);
    let schema_names: Vec<String> = raw
        .objects
        .iter()
        .map(|o| {
            let stem = format!("SCHEMA_{}", snake(&o.name).to_uppercase());
            converted_camel(stem, &o.name, &o.path, &mut schemas)
        })
        .collect();

    let value_sets: Vec<ValueSet> = raw
        .value_sets
        .iter()
        .zip(set_names)
        .map(|(s, name)| value_set(s, name, d))
        .collect();
    let set_index: HashMap<&str, usize> = raw
        .value_sets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let model_index: HashMap<&str, usize> = raw
        .objects
        .iter()
        .enumerate()
        .map(|(i, o)| (o.name.as_str(), i))
        .collect();
    let types = TypeScope {
        sets: &set_index,
        set_kinds: value_sets.iter().map(|s| s.kind).collect(),
        models: &model_index,
    };

    let (input_models, output_models) = directions(&raw.actions, &raw.objects, &model_index);
    let mut models: Vec<Model> = raw
        .objects
        .iter()
        .enumerate()
        .zip(
            object_names
                .into_iter()
                .zip(builder_names)
                .zip(schema_names),
        )
        .map(|((i, o), ((type_name, builder_name), schema_name))| {
            // Only request-only objects have required members: an object
            // that answers carry may lack any of them.
            let side = if output_models[i] {
                Side::Object
            } else {
                Side::InputObject
            };
            Model {
                wire_name: o.name.clone(),
                type_name,
                builder_name,
                schema_name,
                document: o.document.clone(),
                fields: members(&o.members, &types, side, input_models[i], d),
                input: input_models[i],
                output: output_models[i],
            }
        })
        .collect();
    box_recursion(&mut models);

    let common_raw = valid_errors(&raw.common_errors, d);
    let common_errors = error_variants(&common_raw, true, &mut Names::reserving(&[UNHANDLED]), d);
    let service_raw = valid_errors(&raw.service_errors, d);
    let service_errors = error_kind(&service_raw, &common_raw, "service_errors", d);
    let mut modules = Names::reserving(RESERVED_MODULES);
    let actions: Vec<Action> = raw
        .actions
        .iter()
        .filter_map(|a| action(a, &types, &common_raw, &mut modules, d))
        .collect();
    if raw.actions.is_empty() {
        d.report("actions", "the spec declares no action");
    }
    let mut api = Api {
        service: service?,
        actions,
        models,
        value_sets,
        common_errors,
        service_errors,
    };
    for (a, raw_a) in api.actions.iter().zip(raw.actions.iter()) {
        for (ex, raw_ex) in a.examples.iter().zip(&raw_a.examples) {
            check_example(&api, a, ex, raw_ex, d);
        }
    }
    let pages: Vec<Option<Pagination>> = api
        .actions
        .iter()
        .zip(raw.actions.iter())
        .map(|(a, raw_a)| {
            raw_a
                .paginated
                .as_ref()
                .and_then(|p| pagination(&api, a, p, d))
        })
        .collect();
    for (a, p) in api.actions.iter_mut().zip(pages) {
        a.pagination = p;
    }
    let waits: Vec<Vec<Waiter>> = api
        .actions
        .iter()
        .zip(raw.actions.iter())
        .map(|(a, raw_a)| crate::waiters::check(&api, a, &raw_a.waiters, d))
        .collect();
    for (a, w) in api.actions.iter_mut().zip(waits) {
        a.waiters = w;
    }
    d.is_empty().then_some(api)
}

struct TypeScope<'a> {
    sets: &'a HashMap<&'a str, usize>,
    set_kinds: Vec<SetKind>,
    models: &'a HashMap<&'a str, usize>,
}

/// The Rust name of a value set or object, after checking its wire name.
fn type_name(
    wire: &str,
    over: &Option<String>,
    path: &str,
    what: &str,
    names: &mut Names,
    d: &mut Diag,
) -> String {
    if !wire.is_empty() && !is_wire_name(wire) {
        d.report(path, format!("invalid {what} name \"{wire}\": use ASCII letters, digits and underscores, starting with a letter"));
    }
    let over = valid_override(over, path, Case::Camel, d);
    camel_name(wire, over, path, names, d)
}

fn value_set(s: &RawValueSet, type_name: String, d: &mut Diag) -> ValueSet {
    let kind = match s.kind.as_str() {
        "string" => SetKind::String,
        "int64" => SetKind::Int64,
        "" => SetKind::String,
        other => {
            d.report(
                &child(&s.path, "type"),
                format!("unknown value set type \"{other}\" (expected string or int64)"),
            );
            SetKind::String
        }
    };
    if s.values.is_empty() {
        d.report(
            &child(&s.path, "values"),
            "a value set needs at least one value",
        );
    }
    let mut variants = Names::reserving(&[UNKNOWN]);
    let mut seen: Vec<SetLiteral> = Vec::new();
    let mut values = Vec::new();
    for v in &s.values {
        let vpath = child(&v.path, "value");
        let wire = match (kind, &v.value) {
            (SetKind::String, Value::String(s)) if !s.is_empty() => SetLiteral::String(s.clone()),
            (SetKind::Int64, Value::Number(n)) if n.as_i64().is_some() => {
                SetLiteral::Int(n.as_i64().unwrap_or_default())
            }
            (_, Value::Null) => continue, // missing: already reported
            (SetKind::String, other) => {
                d.report(
                    &vpath,
                    format!("expected a non-empty string, found {}", describe(other)),
                );
                continue;
            }
            (SetKind::Int64, other) => {
                d.report(
                    &vpath,
                    format!("expected a 64-bit integer, found {}", describe(other)),
                );
                continue;
            }
        };
        if seen.contains(&wire) {
            d.report(&vpath, format!("duplicate value {}", describe_lit(&wire)));
            continue;
        }
        seen.push(wire.clone());
        let variant = match (&v.name, &wire) {
            (Some(name), _) => {
                let variant = camel(name);
                if !is_rust_ident(name) || !is_camel_ident(&variant) {
                    d.report(
                        &child(&v.path, "name"),
                        format!("\"{name}\" is not a usable Rust identifier"),
                    );
                    continue;
                }
                variants.claim_exact(std::slice::from_ref(&variant), name, &v.path, d);
                variant
            }
            (None, SetLiteral::String(s)) => {
                let stem = camel(s);
                if !is_variant_stem(&stem) {
                    d.report(
                        &v.path,
                        format!(
                            "value {} gives no usable Rust variant name; set \"name\"",
                            describe_lit(&wire)
                        ),
                    );
                    continue;
                }
                converted_camel(type_ident(stem), s, &v.path, &mut variants)
            }
            (None, SetLiteral::Int(_)) => {
                d.report(
                    &child(&v.path, "name"),
                    "integer values need a \"name\" for their Rust variant",
                );
                continue;
            }
        };
        values.push(SetValue {
            wire,
            variant,
            document: v.document.clone(),
        });
    }
    ValueSet {
        wire_name: s.name.clone(),
        type_name,
        document: s.document.clone(),
        kind,
        values,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
    /// An object answers may carry (maybe requests too).
    Object,
    /// An object only requests use.
    InputObject,
}

/// `sent`: requests carry these members (a request, or an object a request
/// reaches).
fn members(
    raw: &[RawMember],
    types: &TypeScope<'_>,
    side: Side,
    sent: bool,
    d: &mut Diag,
) -> Vec<Field> {
    let mut idents = Names::reserving(RESERVED_MEMBERS);
    if side == Side::Response {
        idents.reserve(RESERVED_RESPONSE);
    }
    let mut wire_seen: HashMap<&str, &str> = HashMap::new();
    let mut fields = Vec::new();
    for m in raw {
        if m.name.is_empty() {
            continue;
        }
        if let Some(first) = wire_seen.insert(&m.name, &m.path) {
            d.report(
                &child(&m.path, "name"),
                format!("duplicate member \"{}\" (also at {first})", m.name),
            );
            continue;
        }
        if !is_wire_name(&m.name) {
            d.report(
                &child(&m.path, "name"),
                format!("invalid member name \"{}\": use ASCII letters, digits and underscores, starting with a letter", m.name),
            );
            continue;
        }
        let ty = member_type(m, types, d);
        // `UnixSeconds` is sent as an integer: a string member that
        // requests carry would go out in the wrong type.
        if sent && m.ty == "string" && m.member == "unix_seconds" {
            d.report(
                &child(&m.path, "member"),
                "\"unix_seconds\" on a string member is for answers only: requests carry this member, and would send an integer",
            );
            continue;
        }
        if side == Side::Response && m.name == REQUEST_ID {
            if ty.as_ref().is_some_and(|t| *t != Type::String) {
                d.report(&child(&m.path, "type"), "RequestId must be a string");
            }
            continue;
        }
        let required = match side {
            Side::Request | Side::InputObject => m.required,
            Side::Response | Side::Object => false,
        };
        let over = valid_override(&m.rust_name, &m.path, Case::Snake, d);
        let (ident, set_ident) = member_names(&m.name, over, !required, &m.path, &mut idents, d);
        if let Some(ty) = ty {
            fields.push(Field {
                wire_name: m.name.clone(),
                ident,
                set_ident,
                document: m.document.clone(),
                ty,
                required,
                documented_present: side != Side::Request
                    && m.output_required
                    && !m.value_allowed_null,
                boxed: false,
                example: m.example.clone(),
                unsigned: m.member == "uint64",
                sensitive: m.sensitive,
            });
        }
    }
    fields
}

fn member_type(m: &RawMember, types: &TypeScope<'_>, d: &mut Diag) -> Option<Type> {
    let tpath = child(&m.path, "type");
    let mpath = child(&m.path, "member");
    let scalar = |name: &str| match name {
        "string" => Some(Type::String),
        "datetime" => Some(Type::DateTime),
        "datetime_iso" => Some(Type::DateTimeIso),
        "date" => Some(Type::Date),
        "unix_seconds" => Some(Type::UnixSeconds),
        "int64" => Some(Type::Int64),
        "uint64" => Some(Type::Uint64),
        "float" => Some(Type::Float),
        "bool" => Some(Type::Bool),
        _ => None,
    };
    let object = |name: &str, d: &mut Diag| match types.models.get(name) {
        Some(&i) => Some(Type::Model(i)),
        None => {
            let hint = if scalar(name).is_some() {
                format!(
                    "\"{name}\" is a scalar; use type \"{name}\" with member \"{name}\" or type \"list\""
                )
            } else {
                format!("unknown object type \"{name}\": declare it under \"objects\"")
            };
            d.report(&mpath, hint);
            None
        }
    };
    let base = match m.ty.as_str() {
        "" => return None,
        "string" | "int" | "float" | "bool" => {
            let allowed: &[&str] = match m.ty.as_str() {
                "string" => &["string", "datetime", "datetime_iso", "date", "unix_seconds"],
                "int" => &["int64", "uint64", "unix_seconds"],
                "float" => &["float"],
                _ => &["bool"],
            };
            if !allowed.contains(&m.member.as_str()) {
                if !m.member.is_empty() {
                    d.report(
                        &mpath,
                        format!(
                            "type \"{}\" needs member {}, found \"{}\"",
                            m.ty,
                            quoted(allowed),
                            m.member
                        ),
                    );
                }
                return None;
            }
            scalar(&m.member)?
        }
        "list" => match scalar(&m.member) {
            Some(t) => t,
            None if m.member.is_empty() => return None,
            None => object(&m.member, d)?,
        },
        "object" => {
            if m.member.is_empty() {
                return None;
            }
            object(&m.member, d)?
        }
        other => {
            d.report(
                &tpath,
                format!(
                    "unknown type \"{other}\" (expected string, int, float, bool, list or object)"
                ),
            );
            return None;
        }
    };
    let base = match &m.value_set {
        None => base,
        Some(set) => {
            let vpath = child(&m.path, "value_set");
            let Some(&i) = types.sets.get(set.as_str()) else {
                d.report(
                    &vpath,
                    format!("unknown value set \"{set}\": declare it under \"value_sets\""),
                );
                return None;
            };
            let fits = matches!(
                (types.set_kinds[i], &base),
                (SetKind::String, Type::String) | (SetKind::Int64, Type::Int64 | Type::Uint64)
            );
            if !fits {
                d.report(
                    &vpath,
                    format!("value set \"{set}\" does not fit member \"{}\"", m.member),
                );
                return None;
            }
            Type::ValueSet(i)
        }
    };
    Some(if m.ty == "list" {
        Type::List(Box::new(base))
    } else {
        base
    })
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The usable codes of an error list with their valid overrides; reports
/// invalid and duplicate codes.
fn valid_errors<'a>(raw: &'a [RawError], d: &mut Diag) -> Vec<(&'a RawError, Option<String>)> {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut out = Vec::new();
    for e in raw {
        if e.code.is_empty() {
            continue;
        }
        if !is_error_code(&e.code) {
            d.report(
                &child(&e.path, "code"),
                format!("invalid error code \"{}\": expected dotted words such as AuthFailure.SignatureFailure", e.code),
            );
            continue;
        }
        if let Some(first) = seen.insert(&e.code, &e.path) {
            d.report(
                &e.path,
                format!("duplicate name \"{}\" (also at {first})", e.code),
            );
            continue;
        }
        out.push((e, valid_override(&e.rust_name, &e.path, Case::Camel, d)));
    }
    out
}

/// Variants of an error kind, unique among `variants`.
fn error_variants(
    errors: &[(&RawError, Option<String>)],
    common: bool,
    variants: &mut Names,
    d: &mut Diag,
) -> Vec<ErrorCode> {
    errors
        .iter()
        .map(|(e, over)| ErrorCode {
            code: e.code.clone(),
            variant: camel_name(&e.code, over.clone(), &e.path, variants, d),
            document: e.document.clone(),
            common,
        })
        .collect()
}

fn action(
    a: &RawAction,
    types: &TypeScope<'_>,
    common: &[(&RawError, Option<String>)],
    modules: &mut Names,
    d: &mut Diag,
) -> Option<Action> {
    if !is_wire_name(&a.name) {
        d.report(&a.path, format!("invalid action name \"{}\": use ASCII letters, digits and underscores, starting with a letter", a.name));
        return None;
    }
    let over = valid_override(&a.rust_name, &a.path, Case::Snake, d);
    let module = snake_name(&a.name, over, &a.path, modules, d);
    let type_name = camel(&module);
    let op_name = type_ident(type_name.clone());

    let request = Shape {
        document: a.request.document.clone(),
        fields: members(&a.request.members, types, Side::Request, true, d),
    };
    let response = Shape {
        document: a.response.document.clone(),
        fields: members(&a.response.members, types, Side::Response, false, d),
    };
    if !a.response.members.iter().any(|m| m.name == REQUEST_ID) {
        d.report(
            &child(&a.response.path, "members"),
            "the response must declare the RequestId member (type string)",
        );
    }
    // Business codes, then the common codes the action does not list, share
    // the action's error kind; an action that lists none shares the
    // service's.
    let (errors, shared_errors) = match &a.errors {
        Some(own) => {
            let business = valid_errors(own, d);
            (error_kind(&business, common, &a.path, d), false)
        }
        None => (Vec::new(), true),
    };
    Some(Action {
        wire_name: a.name.clone(),
        module,
        type_name,
        op_name,
        title: a.title.clone(),
        document: a.document.clone(),
        rate_limit_per_second: a.rate_limit_per_second,
        retry_safe: a.retry_safe,
        request,
        response,
        errors,
        shared_errors,
        examples: a
            .examples
            .iter()
            .map(|e: &RawExample| Example {
                title: e.title.clone(),
                request: e.request.clone(),
                response: e.response.clone(),
            })
            .collect(),
        pagination: None,
        waiters: Vec::new(),
    })
}

/// `paginated` resolved against the action's shapes and the models: the
/// offset and limit are integer request members, the items path ends in a
/// list and the total's in an integer, through object members.
fn pagination(api: &Api, a: &Action, raw: &RawPagination, d: &mut Diag) -> Option<Pagination> {
    let page_member = |key: &str, wire: &str, d: &mut Diag| -> Option<PageMember> {
        let path = child(&raw.path, key);
        let Some(f) = a.request.fields.iter().find(|f| f.wire_name == wire) else {
            d.report(
                &path,
                format!("\"{wire}\" is not a request member of {}", a.wire_name),
            );
            return None;
        };
        if !matches!(f.ty, Type::Int64 | Type::Uint64) {
            d.report(&path, format!("\"{wire}\" must be an integer member"));
            return None;
        }
        Some(PageMember {
            wire_name: f.wire_name.clone(),
            ident: f.ident.clone(),
            required: f.required,
            ty: f.ty.clone(),
        })
    };
    let walk = |key: &str, dotted: &str, d: &mut Diag| -> Option<(Vec<String>, Type)> {
        response_path(api, a, dotted)
            .map_err(|e| d.report(&child(&raw.path, key), e))
            .ok()
    };
    let offset = page_member("offset", &raw.offset, d);
    let limit = page_member("limit", &raw.limit, d);
    let items = walk("items", &raw.items, d).and_then(|(idents, ty)| match ty {
        Type::List(item) => Some((idents, *item)),
        _ => {
            d.report(
                &child(&raw.path, "items"),
                format!("\"{}\" is not a list", raw.items),
            );
            None
        }
    });
    let total = match &raw.total {
        None => None,
        Some(t) => match walk("total", t, d) {
            Some((idents, ty @ (Type::Int64 | Type::Uint64))) => Some((idents, ty)),
            Some(_) => {
                d.report(
                    &child(&raw.path, "total"),
                    format!("\"{t}\" is not an integer"),
                );
                return None;
            }
            None => return None,
        },
    };
    let (items, item) = items?;
    Some(Pagination {
        offset: offset?,
        limit: limit?,
        items,
        items_wire: raw.items.clone(),
        item,
        total,
        total_wire: raw.total.clone(),
        default_page_size: raw.default_page_size,
    })
}

/// The fields along `dotted` (wire names through object members of the
/// answer), and the last one's type.
pub(crate) fn response_path(
    api: &Api,
    a: &Action,
    dotted: &str,
) -> Result<(Vec<String>, Type), String> {
    let mut fields = &a.response.fields;
    let mut idents = Vec::new();
    let segments: Vec<&str> = dotted.split('.').collect();
    for (i, seg) in segments.iter().enumerate() {
        let Some(f) = fields.iter().find(|f| f.wire_name == *seg) else {
            return Err(format!(
                "\"{seg}\" of \"{dotted}\" is not a response member there"
            ));
        };
        idents.push(f.ident.clone());
        if i + 1 == segments.len() {
            return Ok((idents, f.ty.clone()));
        }
        match f.ty {
            Type::Model(m) => fields = &api.models[m].fields,
            _ => return Err(format!("\"{seg}\" of \"{dotted}\" is not an object")),
        }
    }
    Err(format!("\"{dotted}\" names no member"))
}

/// The variants of an error kind: `business` codes, then the common codes
/// they do not repeat.
fn error_kind(
    business: &[(&RawError, Option<String>)],
    common: &[(&RawError, Option<String>)],
    path: &str,
    d: &mut Diag,
) -> Vec<ErrorCode> {
    let mut variants = Names::reserving(&[UNHANDLED]);
    let mut errors = error_variants(business, false, &mut variants, d);
    for (c, over) in common {
        if business.iter().any(|(b, _)| b.code == c.code) {
            continue;
        }
        let variant = match over {
            Some(o) if variants.is_taken(o) => {
                // Clashes among common codes are reported once, at the top.
                if let Some(b) = errors.iter().find(|e| &e.variant == o && !e.common) {
                    d.report(
                        path,
                        format!(
                            "error \"{}\" and common error \"{}\" both become `{o}`; change a \"rust_name\"",
                            b.code, c.code
                        ),
                    );
                }
                continue;
            }
            _ => camel_name(&c.code, over.clone(), &c.path, &mut variants, d),
        };
        errors.push(ErrorCode {
            code: c.code.clone(),
            variant,
            document: c.document.clone(),
            common: true,
        });
    }
    errors
}

/// Which objects requests reach and which answers reach, through members
/// and lists, at any depth.
fn directions(
    actions: &[RawAction],
    objects: &[RawObject],
    index: &HashMap<&str, usize>,
) -> (Vec<bool>, Vec<bool>) {
    let reach = |roots: Vec<&RawMember>| {
        let mut seen = vec![false; objects.len()];
        let mut stack: Vec<usize> = roots
            .iter()
            .filter_map(|m| index.get(m.member.as_str()).copied())
            .collect();
        while let Some(i) = stack.pop() {
            if !std::mem::replace(&mut seen[i], true) {
                stack.extend(
                    objects[i]
                        .members
                        .iter()
                        .filter_map(|m| index.get(m.member.as_str()).copied()),
                );
            }
        }
        seen
    };
    let input = reach(actions.iter().flat_map(|a| &a.request.members).collect());
    let output = reach(actions.iter().flat_map(|a| &a.response.members).collect());
    (input, output)
}

/// An object that contains itself, directly or through other objects, and
/// not only through lists, would have infinite size: the members that close
/// such a cycle are boxed, and optional (a required one could never be
/// built).
fn box_recursion(models: &mut [Model]) {
    fn direct(f: &Field) -> Option<usize> {
        match f.ty {
            Type::Model(i) => Some(i),
            _ => None,
        }
    }
    let reaches = |models: &[Model], from: usize, to: usize| {
        let mut seen = vec![false; models.len()];
        let mut stack = vec![from];
        while let Some(i) = stack.pop() {
            if i == to {
                return true;
            }
            if !std::mem::replace(&mut seen[i], true) {
                stack.extend(
                    models[i]
                        .fields
                        .iter()
                        .filter(|f| !f.boxed)
                        .filter_map(direct),
                );
            }
        }
        false
    };
    for m in 0..models.len() {
        for f in 0..models[m].fields.len() {
            if let Some(target) = direct(&models[m].fields[f])
                && reaches(models, target, m)
            {
                let field = &mut models[m].fields[f];
                field.boxed = true;
                field.required = false;
            }
        }
    }
}

fn check_example(api: &Api, a: &Action, ex: &Example, raw: &RawExample, d: &mut Diag) {
    if let Some(request) = &ex.request {
        let rpath = child(&raw.path, "request");
        check_fields(api, &a.request.fields, true, false, request, &rpath, d);
    }
    let path = child(&raw.path, "response");
    let Some(inner) = ex.response.get("Response") else {
        d.report(&path, "expected an object {\"Response\": {...}}");
        return;
    };
    let path = child(&path, "Response");
    let Some(map) = inner.as_object() else {
        d.report(&path, format!("expected an object, found {}", kind(inner)));
        return;
    };
    if !matches!(map.get(REQUEST_ID), Some(Value::String(_))) {
        d.report(&child(&path, REQUEST_ID), "missing string RequestId");
    }
    if is_error_envelope(map.get("Error")) {
        return; // an error example: its body is the error envelope
    }
    let rest: serde_json::Map<String, Value> = map
        .iter()
        .filter(|(k, _)| k.as_str() != REQUEST_ID)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    check_fields(
        api,
        &a.response.fields,
        false,
        true,
        &Value::Object(rest),
        &path,
        d,
    );
}

/// Checks that a JSON value fits a shape: keys known, required present, types
/// right. `request`: the top of a request (no member may be null there);
/// `answer`: anywhere in an answer (read tolerantly).
fn check_fields(
    api: &Api,
    fields: &[Field],
    request: bool,
    answer: bool,
    v: &Value,
    path: &str,
    d: &mut Diag,
) {
    let Some(map) = v.as_object() else {
        d.report(path, format!("expected an object, found {}", kind(v)));
        return;
    };
    let by_name: BTreeMap<&str, &Field> =
        fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
    for (k, v) in map {
        let p = child(path, k);
        match by_name.get(k.as_str()) {
            Some(f) => check_value(api, &f.ty, f.required || request, answer, v, &p, d),
            None => d.report(&p, format!("\"{k}\" is not a member of this shape")),
        }
    }
    for f in fields.iter().filter(|f| f.required) {
        if !map.contains_key(&f.wire_name) {
            d.report(
                &child(path, &f.wire_name),
                "required member missing from the example",
            );
        }
    }
}

/// Checks a value as the client reads it: integers may come as numeric
/// strings, booleans as 0 or 1, an absent object as a zero (`0`, `""`,
/// `false`), and anything may be null in an answer. An answer is read as
/// `tcmpp_api::lenient` reads it (a string as a number, a whole float as an
/// integer, `"true"` as a boolean); a request as the mock accepts it.
fn check_value(
    api: &Api,
    ty: &Type,
    non_null: bool,
    answer: bool,
    v: &Value,
    path: &str,
    d: &mut Diag,
) {
    if v.is_null() {
        if non_null {
            d.report(path, "null where the member is not nullable");
        }
        return;
    }
    let ok = match ty {
        Type::String | Type::DateTime | Type::DateTimeIso | Type::Date => {
            v.is_string() || (answer && v.is_number())
        }
        // An answer's empty string reads as absent.
        Type::UnixSeconds => {
            reads_as_int(v, answer, |t| t.parse::<i64>().is_ok(), true_int)
                || (answer && v.as_str().is_some_and(|t| t.trim().is_empty()))
        }
        Type::Int64 => reads_as_int(v, answer, |t| t.parse::<i64>().is_ok(), true_int),
        Type::Uint64 => reads_as_int(
            v,
            answer,
            |t| t.parse::<u64>().is_ok(),
            |f| true_int(f) && f >= 0.0,
        ),
        Type::Float => {
            v.is_number()
                || answer
                    && v.as_str()
                        .is_some_and(|t| t.trim().parse::<f64>().is_ok_and(f64::is_finite))
        }
        Type::Bool => {
            v.is_boolean()
                || v.as_u64().is_some_and(|n| n <= 1)
                || (answer
                    && matches!(
                        v.as_str().map(str::trim),
                        Some("true" | "false" | "0" | "1")
                    ))
        }
        Type::ValueSet(i) => match api.value_sets[*i].kind {
            SetKind::String => v.is_string() || (answer && v.is_number()),
            SetKind::Int64 => reads_as_int(v, answer, |t| t.parse::<i64>().is_ok(), true_int),
        },
        Type::Model(i) => {
            let zero = v == &Value::from(0) || v == &Value::from("") || v == &Value::Bool(false);
            if zero && !non_null {
                return;
            }
            let m = &api.models[*i];
            return check_fields(api, &m.fields, false, answer, v, path, d);
        }
        Type::List(inner) => match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_value(api, inner, true, answer, item, &format!("{path}[{i}]"), d);
                }
                true
            }
            None => false,
        },
    };
    if !ok {
        d.report(
            path,
            format!("{} does not fit the member's type", describe(v)),
        );
    }
}

/// An integer member's value: an integer in range or a string holding one;
/// in an answer also a whole float that is exact (below 2^53), as
/// `tcmpp_api::lenient` reads it.
fn reads_as_int(
    v: &Value,
    answer: bool,
    text: impl Fn(&str) -> bool,
    float: impl Fn(f64) -> bool,
) -> bool {
    match v {
        Value::Number(n) if n.is_f64() => answer && n.as_f64().is_some_and(float),
        Value::Number(n) => text(&n.to_string()),
        Value::String(t) => text(t.trim()),
        _ => false,
    }
}

/// A float that stands exactly for an integer.
fn true_int(f: f64) -> bool {
    f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0
}

/// The envelope's error, as the client tells it from a response member
/// named `Error`: an object with a non-empty string `Code`.
fn is_error_envelope(v: Option<&Value>) -> bool {
    v.and_then(|e| e.get("Code"))
        .and_then(Value::as_str)
        .is_some_and(|c| !c.is_empty())
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Number(n) => n.to_string(),
        other => kind(other).to_owned(),
    }
}

fn describe_lit(l: &SetLiteral) -> String {
    match l {
        SetLiteral::String(s) => format!("\"{s}\""),
        SetLiteral::Int(i) => i.to_string(),
    }
}

fn is_api_version(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn is_host(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
        })
}
