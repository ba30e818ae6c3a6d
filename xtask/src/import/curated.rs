//! `spec/curated.json`: the facts Tencent does not publish, read loosely
//! (a section that is missing, or not of its type, counts as empty). Its
//! values are copied into the spec as they are: the generator checks them.

use serde_json::{Map, Value};

/// Tencent's default rate limit, for actions with none documented.
const DEFAULT_RATE_LIMIT: u64 = 20;
/// Verbs that only read: retry-safe unless curated says otherwise.
const READ_ONLY_PREFIXES: [&str; 5] = ["Describe", "Get", "List", "Query", "Check"];

/// The curated facts.
pub struct Curated<'a> {
    /// Facts per action, keyed by its name.
    pub actions: Section<'a>,
    /// Facts per member, keyed `Object.Member` or `Action.request.Member`.
    pub value_set_members: Section<'a>,
    pub member_examples: Section<'a>,
    /// Rust names, keyed by member (as above) or by object.
    pub rust_names: Section<'a>,
    /// Overrides of the spec's `service` section.
    pub service: Section<'a>,
    pub value_sets: Option<&'a Value>,
    pub common_errors: &'a [Value],
    default_rate_limit: u64,
}

impl<'a> Curated<'a> {
    /// `None` (no curated facts) reads as all sections empty.
    pub fn read(curated: Option<&'a Value>) -> Result<Curated<'a>, String> {
        let root = match curated {
            Some(c) => Some(
                c.as_object()
                    .ok_or_else(|| "curated: expected an object".to_owned())?,
            ),
            None => None,
        };
        let get = |key: &str| root.and_then(|r| r.get(key));
        let section = |key: &str| Section(get(key).and_then(Value::as_object));
        Ok(Curated {
            actions: section("actions"),
            value_set_members: section("value_set_members"),
            member_examples: section("member_examples"),
            rust_names: section("rust_names"),
            service: section("service"),
            value_sets: get("value_sets"),
            common_errors: get("common_errors")
                .and_then(Value::as_array)
                .map_or(&[], Vec::as_slice),
            default_rate_limit: section("defaults")
                .get("rate_limit_per_second")
                .and_then(Value::as_u64)
                .unwrap_or(DEFAULT_RATE_LIMIT),
        })
    }

    /// What curated says of action `name`, defaults filled in.
    pub fn action(&self, name: &str) -> ActionFacts<'a> {
        let facts = Section(self.actions.get(name).and_then(Value::as_object));
        ActionFacts {
            rust_name: facts.get("rust_name"),
            rate_limit_per_second: facts
                .get("rate_limit_per_second")
                .and_then(Value::as_u64)
                .unwrap_or(self.default_rate_limit),
            retry_safe: facts
                .get("retry_safe")
                .and_then(Value::as_bool)
                .unwrap_or_else(|| READ_ONLY_PREFIXES.iter().any(|p| name.starts_with(p))),
            errors: facts.get("errors"),
            examples: facts.get("examples"),
        }
    }

    /// A `service` text, unless curated has none.
    pub fn service_text(&self, key: &str) -> Option<&'a str> {
        self.service.get(key).and_then(Value::as_str)
    }
}

/// What curated says of one action (`None` where it says nothing).
pub struct ActionFacts<'a> {
    pub rust_name: Option<&'a Value>,
    pub rate_limit_per_second: u64,
    pub retry_safe: bool,
    pub errors: Option<&'a Value>,
    pub examples: Option<&'a Value>,
}

/// A curated section keyed by name.
#[derive(Clone, Copy)]
pub struct Section<'a>(Option<&'a Map<String, Value>>);

impl<'a> Section<'a> {
    pub fn get(self, key: &str) -> Option<&'a Value> {
        self.0?.get(key)
    }

    pub fn keys(self) -> impl Iterator<Item = &'a str> {
        self.0.into_iter().flat_map(Map::keys).map(String::as_str)
    }
}
