//! `spec/curated/<service>.json`: the facts Tencent does not publish, read loosely
//! (a section that is missing, or not of its type, counts as empty). Its
//! values are copied into the spec as they are: the generator checks them.
//! The defaults are the exception: they are not copied but applied here, so
//! a default of the wrong type is an error naming its path, never ignored.

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
    /// A member's type, replacing the time type proposed (`false`: none).
    pub member_types: Section<'a>,
    pub member_examples: Section<'a>,
    /// Members holding a secret (`true`): their `Debug` is redacted.
    pub sensitive_members: Section<'a>,
    /// Rust names, keyed by member (as above) or by object.
    pub rust_names: Section<'a>,
    /// Overrides of the spec's `service` section.
    pub service: Section<'a>,
    pub value_sets: Option<&'a Value>,
    pub common_errors: &'a [Value],
    default_rate_limit: u64,
    /// Actions whose name starts with one of these are retry-safe unless
    /// curated says otherwise (`defaults.retry_safe_prefixes`).
    retry_safe_prefixes: Vec<&'a str>,
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
            member_types: section("member_types"),
            member_examples: section("member_examples"),
            sensitive_members: section("sensitive_members"),
            rust_names: section("rust_names"),
            service: section("service"),
            value_sets: get("value_sets"),
            common_errors: get("common_errors")
                .and_then(Value::as_array)
                .map_or(&[], Vec::as_slice),
            default_rate_limit: match section("defaults").get("rate_limit_per_second") {
                None => DEFAULT_RATE_LIMIT,
                Some(v) => v.as_u64().filter(|&n| n > 0).ok_or_else(|| {
                    format!("curated.defaults.rate_limit_per_second: expected a positive integer, got {v}")
                })?,
            },
            retry_safe_prefixes: match section("defaults").get("retry_safe_prefixes") {
                None => READ_ONLY_PREFIXES.to_vec(),
                Some(v) => prefixes(v)?,
            },
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
                .unwrap_or_else(|| self.retry_safe_prefixes.iter().any(|p| name.starts_with(p))),
            errors: facts.get("errors"),
            examples: facts.get("examples"),
            paginated: facts.get("paginated"),
            waiters: facts.get("waiters"),
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
    /// `false`, or where the page members are: replaces the proposal.
    pub paginated: Option<&'a Value>,
    /// Named waits on the action's answers, as the spec writes them
    /// (checked by the generator).
    pub waiters: Option<&'a Value>,
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

/// `defaults.retry_safe_prefixes`: a list of non-empty strings.
fn prefixes(v: &Value) -> Result<Vec<&str>, String> {
    let path = "curated.defaults.retry_safe_prefixes";
    let list = v
        .as_array()
        .ok_or_else(|| format!("{path}: expected a list of strings, got {v}"))?;
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            p.as_str()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| format!("{path}[{i}]: expected a non-empty string, got {p}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a panic is a failed test

    use serde_json::json;

    use super::Curated;

    #[test]
    fn the_defaults_are_read_not_assumed() {
        let c = json!({"defaults": {"rate_limit_per_second": 5, "retry_safe_prefixes": ["Peek"]}});
        let c = Curated::read(Some(&c)).unwrap();
        assert!(c.action("PeekWidget").retry_safe);
        assert!(!c.action("DescribeWidget").retry_safe);
        assert_eq!(c.action("PeekWidget").rate_limit_per_second, 5);
        let none = Curated::read(None).unwrap();
        assert!(none.action("DescribeWidget").retry_safe);
        assert!(!none.action("PeekWidget").retry_safe);
        assert_eq!(none.action("PeekWidget").rate_limit_per_second, 20);
    }

    #[test]
    fn a_default_of_the_wrong_type_names_its_path() {
        for (defaults, message) in [
            (
                json!({"retry_safe_prefixes": "Describe"}),
                "curated.defaults.retry_safe_prefixes: expected a list",
            ),
            (
                json!({"retry_safe_prefixes": ["Get", 3]}),
                "curated.defaults.retry_safe_prefixes[1]: expected a non-empty string, got 3",
            ),
            (
                json!({"retry_safe_prefixes": [""]}),
                "curated.defaults.retry_safe_prefixes[0]",
            ),
            (
                json!({"rate_limit_per_second": "20"}),
                "curated.defaults.rate_limit_per_second: expected a positive integer, got \"20\"",
            ),
            (
                json!({"rate_limit_per_second": 0}),
                "curated.defaults.rate_limit_per_second",
            ),
        ] {
            let c = json!({ "defaults": defaults });
            let err = Curated::read(Some(&c)).err().unwrap();
            assert!(err.starts_with(message), "{err}");
        }
    }
}
