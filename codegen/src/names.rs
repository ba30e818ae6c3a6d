//! Wire names to idiomatic Rust names.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// `DescribeMNPAllStageVersions` -> `describe_mnp_all_stage_versions`.
pub(crate) fn snake(wire: &str) -> String {
    wire.to_snake_case()
}

/// `DescribeMNPAllStageVersions` -> `DescribeMnpAllStageVersions`;
/// `FailedOperation.FileDownloadFailed` -> `FailedOperationFileDownloadFailed`.
pub(crate) fn camel(wire: &str) -> String {
    wire.to_upper_camel_case()
}

/// Wire names of members, objects and actions: an ASCII letter, then ASCII
/// letters, digits or underscores.
pub(crate) fn is_wire_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Error codes: wire names joined by dots (`AuthFailure.SignatureFailure`).
pub(crate) fn is_error_code(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(is_wire_name)
}

/// A Rust identifier we are willing to emit for an override: ASCII, not
/// starting with a digit, and not a keyword (the generator would have to
/// rename it anyway).
pub(crate) fn is_rust_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
        && !is_keyword(s)
}

/// An override for a snake_case name (member, action): what the lints
/// accept, so generated code stays warning-free.
pub(crate) fn is_snake_ident(s: &str) -> bool {
    is_rust_ident(s)
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// An override for an UpperCamelCase name (object, value set, error
/// variant): starts upper case, no underscores, so it cannot shadow a
/// primitive type or the `unset` module.
pub(crate) fn is_camel_ident(s: &str) -> bool {
    is_rust_ident(s)
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A converted type or variant name that is a keyword (only `Self` can be)
/// gets a trailing underscore, as fields do.
pub(crate) fn type_ident(camel: String) -> String {
    if is_keyword(&camel) {
        format!("{camel}_")
    } else {
        camel
    }
}

/// Rust keywords of every edition, strict and reserved.
pub(crate) fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
    )
}

/// A converted name that is a keyword gets a trailing underscore (`type` ->
/// `type_`): raw identifiers read badly in user code and cannot express
/// `self` or `crate` at all.
pub(crate) fn field_ident(snake: String) -> String {
    if is_keyword(&snake) {
        format!("{snake}_")
    } else {
        snake
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_become_words() {
        assert_eq!(
            snake("DescribeMNPAllStageVersions"),
            "describe_mnp_all_stage_versions"
        );
        assert_eq!(
            camel("DescribeMNPAllStageVersions"),
            "DescribeMnpAllStageVersions"
        );
        assert_eq!(snake("MNPId"), "mnp_id");
        assert_eq!(
            camel("DescribeMPAllStageVersionsResp"),
            "DescribeMpAllStageVersionsResp"
        );
        assert_eq!(
            camel("RequestLimitExceeded.IPLimitExceeded"),
            "RequestLimitExceededIpLimitExceeded"
        );
    }

    #[test]
    fn keywords_are_suffixed() {
        assert_eq!(field_ident(snake("Type")), "type_");
        assert_eq!(field_ident(snake("Self")), "self_");
        assert_eq!(field_ident(snake("Name")), "name");
    }

    #[test]
    fn name_shapes() {
        assert!(is_wire_name("MNPId"));
        assert!(!is_wire_name("1Id"));
        assert!(!is_wire_name("MNP-Id"));
        assert!(!is_wire_name(""));
        assert!(is_error_code("AuthFailure.SignatureFailure"));
        assert!(!is_error_code("AuthFailure..X"));
        assert!(is_rust_ident("mnp_id"));
        assert!(!is_rust_ident("fn"));
        assert!(!is_rust_ident("a-b"));
        assert!(is_snake_ident("url_base"));
        assert!(!is_snake_ident("UrlBase"));
        assert!(!is_snake_ident("self"));
        assert!(is_camel_ident("TooManyWidgets"));
        assert!(!is_camel_ident("unset"));
        assert!(!is_camel_ident("Too_Many"));
        assert!(!is_camel_ident("Self"));
    }

    #[test]
    fn self_as_a_type_is_suffixed() {
        assert_eq!(type_ident(camel("self")), "Self_");
        assert_eq!(type_ident(camel("Result")), "Result");
    }
}
