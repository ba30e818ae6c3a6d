//! Unique Rust names in each scope of the generated code.
//!
//! The generator must take whatever Tencent publishes, so a name converted
//! from the wire that is already taken (by a name the generator reserves in
//! that scope, or by an earlier item of the same scope) gains trailing
//! underscores until it is free. A `rust_name` override is used as given:
//! if it is taken, that is an error at its JSON path.

use std::collections::HashMap;

use crate::diag::{Diag, child};
use crate::names::{
    camel, field_ident, is_camel_ident, is_keyword, is_snake_ident, snake, type_ident,
};

/// Names an action module may not take: each is also a method of the
/// generated `Client` (each action is one), of the runtime client it
/// dereferences to, or of a trait it implements; or a crate an absolute
/// path could mean.
pub(crate) const RESERVED_MODULES: &[&str] = &[
    "builder",
    "runtime",
    "with_overrides",
    "overrides",
    "call",
    "call_json",
    "call_body",
    "clock_offset_secs",
    "endpoint",
    "region",
    "service",
    "clone",
    "clone_from",
    "fmt",
    "deref",
    "as_ref",
    "from",
    "into",
    "alloc",
    "core",
    "std",
    "tencentcloud_runtime",
];

/// Method names of the types generated for a struct (the input's
/// `builder` and getters; the builder's `new`, `build`, `with_client`,
/// `send` and setters), names of methods of the traits those types
/// implement, which a getter or setter would shadow, and names clippy wants
/// implemented as the standard trait given the methods' shapes.
pub(crate) const RESERVED_MEMBERS: &[&str] = &[
    "new",
    "build",
    "builder",
    "send",
    "with_client",
    // The input builder's client slot (a field beside the members').
    "__carrier",
    "clone",
    "clone_from",
    "default",
    "eq",
    "ne",
    "fmt",
    "serialize",
    "as_ref",
    "borrow",
    "deref",
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "shl",
    "shr",
    "bitand",
    "bitor",
    "bitxor",
];

/// Fields of a response's hidden wire body besides the members: the output
/// also has `request_id`.
pub(crate) const RESERVED_RESPONSE: &[&str] = &["request_id", "__error"];

/// Type names of the `models` module taken by the generator.
pub(crate) const RESERVED_TYPES: &[&str] = &["unset"];

/// The variant for codes and values a generated enum does not know.
pub(crate) const UNHANDLED: &str = "Unhandled";
/// The variant for values a value set does not know.
pub(crate) const UNKNOWN: &str = "Unknown";

/// Rust names already used in one scope, with the item that took each.
/// An entry with an empty path is reserved by the generator.
#[derive(Default)]
pub(crate) struct Names {
    used: HashMap<String, (String, String)>,
}

impl Names {
    pub(crate) fn reserving(names: &[&str]) -> Self {
        let mut n = Names::default();
        n.reserve(names);
        n
    }

    pub(crate) fn reserve(&mut self, names: &[&str]) {
        for n in names {
            self.used
                .insert((*n).to_owned(), (String::new(), String::new()));
        }
    }

    /// Claims the first of `candidate(0)`, `candidate(1)`, … whose names are
    /// all free, and returns its number. Candidates grow by underscores, so
    /// each used name blocks at most one per name in a candidate.
    pub(crate) fn claim_converted(
        &mut self,
        wire: &str,
        path: &str,
        candidate: impl Fn(usize) -> Vec<String>,
    ) -> usize {
        let limit = 2 * self.used.len() + 2;
        let k = (0..limit)
            .find(|&k| candidate(k).iter().all(|n| !self.used.contains_key(n)))
            .unwrap_or(limit);
        for n in candidate(k) {
            self.used.insert(n, (wire.to_owned(), path.to_owned()));
        }
        k
    }

    /// Claims an override's names as given; reports at `path` what already
    /// holds one of them.
    pub(crate) fn claim_exact(&mut self, names: &[String], wire: &str, path: &str, d: &mut Diag) {
        for rust in names {
            if let Some((other_wire, other_path)) = self.used.get(rust) {
                let msg = if other_path.is_empty() {
                    format!(
                        "\"{wire}\" is named `{rust}`, which the generator reserves; choose another \"rust_name\""
                    )
                } else {
                    format!(
                        "\"{wire}\" and \"{other_wire}\" (at {other_path}) both become `{rust}` in Rust; choose another \"rust_name\""
                    )
                };
                d.report(path, msg);
                return;
            }
        }
        for n in names {
            self.used
                .insert(n.clone(), (wire.to_owned(), path.to_owned()));
        }
    }

    pub(crate) fn is_taken(&self, rust: &str) -> bool {
        self.used.contains_key(rust)
    }
}

/// `name` with `k` trailing underscores.
fn suffixed(name: &str, k: usize) -> String {
    format!("{name}{}", "_".repeat(k))
}

/// The case an override must have.
#[derive(Clone, Copy)]
pub(crate) enum Case {
    /// Members and actions.
    Snake,
    /// Objects, value sets, error variants.
    Camel,
}

/// The override of the item at `path` if it is usable; reports it if not
/// (the converted name is then used, so checking goes on).
pub(crate) fn valid_override(
    over: &Option<String>,
    path: &str,
    case: Case,
    d: &mut Diag,
) -> Option<String> {
    let name = over.as_ref()?;
    let (ok, want) = match case {
        Case::Snake => (is_snake_ident(name), "snake_case"),
        Case::Camel => (is_camel_ident(name), "UpperCamelCase"),
    };
    if ok {
        return Some(name.clone());
    }
    d.report(
        &child(path, "rust_name"),
        format!("\"{name}\" is not a usable Rust identifier (expected {want}, not a keyword)"),
    );
    None
}

/// A type or variant name: the override, else the camel-case wire name
/// (`Self` becomes `Self_`), unique in `names`.
pub(crate) fn camel_name(
    wire: &str,
    over: Option<String>,
    path: &str,
    names: &mut Names,
    d: &mut Diag,
) -> String {
    if let Some(o) = over {
        names.claim_exact(std::slice::from_ref(&o), wire, &child(path, "rust_name"), d);
        return o;
    }
    converted_camel(type_ident(camel(wire)), wire, path, names)
}

/// `stem` made unique in `names` by trailing underscores.
pub(crate) fn converted_camel(stem: String, wire: &str, path: &str, names: &mut Names) -> String {
    let k = names.claim_converted(wire, path, |k| vec![suffixed(&stem, k)]);
    suffixed(&stem, k)
}

/// A snake-case name (action module): the override, else the converted wire
/// name (`type` becomes `type_`), unique in `names`.
pub(crate) fn snake_name(
    wire: &str,
    over: Option<String>,
    path: &str,
    names: &mut Names,
    d: &mut Diag,
) -> String {
    if let Some(o) = over {
        names.claim_exact(std::slice::from_ref(&o), wire, &child(path, "rust_name"), d);
        return o;
    }
    let stem = snake(wire);
    let k = names.claim_converted(wire, path, |k| vec![field_ident(suffixed(&stem, k))]);
    field_ident(suffixed(&stem, k))
}

/// A member's field name (also its getter and setter) and its `set_`
/// method. Both must be free when the member is optional, since its
/// builder has both methods: optional `Foo` and `SetFoo` become `foo`,
/// `set_foo` and `set_foo_`, `set_set_foo_`.
pub(crate) fn member_names(
    wire: &str,
    over: Option<String>,
    optional: bool,
    path: &str,
    names: &mut Names,
    d: &mut Diag,
) -> (String, String) {
    let methods = |ident: String, stem: &str| {
        let set = format!("set_{stem}");
        (ident, set)
    };
    let claimed = |pair: &(String, String)| {
        let mut v = vec![pair.0.clone()];
        if optional {
            v.push(pair.1.clone());
        }
        v
    };
    if let Some(o) = over {
        let pair = methods(o.clone(), &o);
        names.claim_exact(&claimed(&pair), wire, &child(path, "rust_name"), d);
        return pair;
    }
    // `Type` is `type_` with `set_type`; a taken `foo` is `foo_` with `set_foo_`.
    let stem = snake(wire);
    let at = |k: usize| {
        let s = suffixed(&stem, k);
        methods(field_ident(s.clone()), &s)
    };
    let k = names.claim_converted(wire, path, |k| claimed(&at(k)));
    at(k)
}

/// Whether a converted variant stem can name a variant (`Self` can, as
/// `Self_`).
pub(crate) fn is_variant_stem(stem: &str) -> bool {
    is_camel_ident(stem) || is_keyword(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(reserved: &[&str]) -> Names {
        Names::reserving(reserved)
    }

    #[test]
    fn taken_converted_names_gain_underscores() {
        let (mut n, mut d) = (names(RESERVED_MEMBERS), Diag::default());
        assert_eq!(
            member_names("Foo", None, true, "m[0]", &mut n, &mut d),
            ("foo".into(), "set_foo".into())
        );
        assert_eq!(
            member_names("SetFoo", None, true, "m[1]", &mut n, &mut d),
            ("set_foo_".into(), "set_set_foo_".into())
        );
        assert_eq!(
            member_names("Builder", None, false, "m[2]", &mut n, &mut d),
            ("builder_".into(), "set_builder_".into())
        );
        assert_eq!(
            member_names("Type", None, true, "m[3]", &mut n, &mut d),
            ("type_".into(), "set_type".into())
        );
        assert_eq!(
            member_names("Type_", None, true, "m[4]", &mut n, &mut d).0,
            "type__"
        );
        assert!(d.is_empty());
    }

    #[test]
    fn a_later_member_yields_to_an_earlier_setter() {
        let (mut n, mut d) = (names(RESERVED_MEMBERS), Diag::default());
        member_names("SetBar", None, true, "m[0]", &mut n, &mut d);
        // `bar` is free but `set_bar` is not: both move.
        assert_eq!(
            member_names("Bar", None, true, "m[1]", &mut n, &mut d),
            ("bar_".into(), "set_bar_".into())
        );
        // A required member has no `set_` method, so it keeps its name.
        let mut n = names(RESERVED_MEMBERS);
        member_names("SetBaz", None, true, "m[0]", &mut n, &mut d);
        assert_eq!(
            member_names("Baz", None, false, "m[1]", &mut n, &mut d).0,
            "baz"
        );
    }

    #[test]
    fn taken_overrides_are_errors() {
        let (mut n, mut d) = (names(RESERVED_MEMBERS), Diag::default());
        member_names("A", Some("new".into()), false, "m[0]", &mut n, &mut d);
        member_names("B", None, true, "m[1]", &mut n, &mut d);
        member_names("C", Some("set_b".into()), false, "m[2]", &mut n, &mut d);
        let e = d.into_error();
        assert_eq!(e.problems.len(), 2, "{e}");
        assert!(e.has_path("m[0].rust_name"), "{e}");
        assert!(
            e.problems[1].message.contains("\"C\" and \"B\" (at m[1])"),
            "{e}"
        );
    }

    #[test]
    fn type_names() {
        let (mut n, mut d) = (names(RESERVED_TYPES), Diag::default());
        assert_eq!(camel_name("Self", None, "o", &mut n, &mut d), "Self_");
        assert_eq!(camel_name("Foo_Bar", None, "o", &mut n, &mut d), "FooBar");
        assert_eq!(camel_name("FooBar", None, "o", &mut n, &mut d), "FooBar_");
        assert_eq!(camel_name("Result", None, "o", &mut n, &mut d), "Result");
        let mut m = Names::reserving(RESERVED_MODULES);
        assert_eq!(snake_name("Call", None, "a", &mut m, &mut d), "call_");
        assert_eq!(snake_name("Self", None, "a", &mut m, &mut d), "self_");
        assert!(d.is_empty());
    }
}
