//! The small INI dialect of credentials files, parsed strictly: a line
//! that is not what it should be is an error naming it, never a profile
//! that silently goes missing (and lets a chain sign as someone else).
//!
//! Accepted, as Python's `configparser` (the official SDK's reader) does:
//! `[section]` headers, `key = value` or `key: value` (split at the first
//! `=` or `:`, both sides trimmed, keys case-insensitive), full-line `#` and
//! `;` comments and blank lines. Unlike it: a leading UTF-8 byte-order mark
//! is skipped, one pair of quotes around a value is removed, indentation
//! never continues a value, and a section name is trimmed.

use std::fmt;

/// Keys of a credentials profile, the only ones errors may name (other
/// keys could be pasted secrets).
const KNOWN_KEYS: [&str; 3] = ["secret_id", "secret_key", "token"];

/// A parsed file: its sections in order.
#[derive(Debug)]
pub(crate) struct Ini {
    sections: Vec<Section>,
}

/// One `[section]` and its keys, lower-cased, in order.
#[derive(Debug)]
pub(crate) struct Section {
    name: String,
    line: usize,
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    key: String,
    value: String,
    line: usize,
}

impl Ini {
    /// The section called `name` (case-sensitive, as in the official SDKs).
    pub(crate) fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// How many sections the file has.
    pub(crate) fn section_count(&self) -> usize {
        self.sections.len()
    }
}

impl Section {
    /// The value of `key` (lower case), without one pair of surrounding quotes.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| unquote(&e.value))
    }
}

/// Where and why a file is not valid. Shows no text from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// 1-based line number.
    pub(crate) line: usize,
    problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    NotUtf8,
    KeyBeforeSection,
    NotAnEntry,
    EmptyKey,
    UnclosedSection,
    EmptySectionName,
    RepeatedSection {
        first: usize,
    },
    RepeatedKey {
        key: Option<&'static str>,
        first: usize,
    },
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.problem {
            Problem::NotUtf8 => f.write_str("expected UTF-8 text, found invalid bytes"),
            Problem::KeyBeforeSection => f.write_str(
                "expected a section header such as [default] before the first `key = value`",
            ),
            Problem::NotAnEntry => f.write_str(
                "expected `key = value`, a [section] header, a `#` comment or a blank line",
            ),
            Problem::EmptyKey => f.write_str("expected a key name before `=`"),
            Problem::UnclosedSection => {
                f.write_str("expected the section header to end with `]` (or `]` and a comment)")
            }
            Problem::EmptySectionName => f.write_str("expected a name between `[` and `]`"),
            Problem::RepeatedSection { first } => write!(
                f,
                "this section header repeats the one on line {first}; expected each section once"
            ),
            Problem::RepeatedKey {
                key: Some(key),
                first,
            } => write!(
                f,
                "`{key}` is set again (first on line {first}); expected each key once per section"
            ),
            Problem::RepeatedKey { key: None, first } => write!(
                f,
                "a key is set again (first on line {first}); expected each key once per section"
            ),
        }
    }
}

impl std::error::Error for SyntaxError {}

/// Parses bytes as read from a file: UTF-8, with or without a BOM.
pub(crate) fn parse_bytes(bytes: &[u8]) -> Result<Ini, SyntaxError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = bytes.get(..e.valid_up_to()).unwrap_or_default();
        SyntaxError {
            line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
            problem: Problem::NotUtf8,
        }
    })?;
    parse(text)
}

/// Parses text, skipping a leading byte-order mark.
pub(crate) fn parse(text: &str) -> Result<Ini, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<Section> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let fail = |problem| Err(SyntaxError { line, problem });
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(header) = trimmed.strip_prefix('[') {
            // A comment may follow the header, as configparser allows.
            let Some((name, rest)) = header.split_once(']') else {
                return fail(Problem::UnclosedSection);
            };
            let rest = rest.trim_start();
            if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
                return fail(Problem::UnclosedSection);
            }
            let name = name.trim();
            if name.is_empty() {
                return fail(Problem::EmptySectionName);
            }
            if let Some(first) = sections.iter().find(|s| s.name == name) {
                return fail(Problem::RepeatedSection { first: first.line });
            }
            sections.push(Section {
                name: name.to_owned(),
                line,
                entries: Vec::new(),
            });
            continue;
        }
        let Some((key, value)) = trimmed.split_once(['=', ':']) else {
            return fail(Problem::NotAnEntry);
        };
        let key = key.trim().to_lowercase();
        if key.is_empty() {
            return fail(Problem::EmptyKey);
        }
        let Some(section) = sections.last_mut() else {
            return fail(Problem::KeyBeforeSection);
        };
        if let Some(first) = section.entries.iter().find(|e| e.key == key) {
            let known = KNOWN_KEYS.iter().copied().find(|k| *k == key);
            return fail(Problem::RepeatedKey {
                key: known,
                first: first.line,
            });
        }
        section.entries.push(Entry {
            key,
            value: value.trim().to_owned(),
            line,
        });
    }
    Ok(Ini { sections })
}

/// Removes one pair of matching quotes around a value.
fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> SyntaxError {
        parse(text).unwrap_err()
    }

    #[test]
    fn reads_sections_keys_comments_and_quotes() {
        let ini = parse(
            "\u{feff}; comment\r\n# another\r\n\r\n[ default ]\r\n Secret_ID = AKID \r\nsecret_key: \"k=v:w\"\r\n[other] # note\ntoken='t'\nempty =\n",
        )
        .unwrap();
        assert_eq!(ini.section_count(), 2);
        let default = ini.section("default").unwrap();
        assert_eq!(default.get("secret_id"), Some("AKID"));
        assert_eq!(default.get("secret_key"), Some("k=v:w"));
        let other = ini.section("other").unwrap();
        assert_eq!(other.get("token"), Some("t"));
        assert_eq!(other.get("empty"), Some(""));
        assert_eq!(other.get("secret_id"), None);
        assert!(ini.section("Default").is_none());
        assert!(parse("").unwrap().section("default").is_none());
    }

    #[test]
    fn a_lone_quote_is_kept() {
        let ini = parse("[p]\na = \"\nb = 'x\"\n").unwrap();
        let p = ini.section("p").unwrap();
        assert_eq!(p.get("a"), Some("\""));
        assert_eq!(p.get("b"), Some("'x\""));
    }

    #[test]
    fn errors_name_the_line_and_what_was_expected() {
        let cases = [
            (
                "secret_id = AKID\n",
                1,
                "expected a section header such as [default]",
            ),
            (
                "# c\n\n[default]\nsecret_id = AKID\njunk here\n",
                5,
                "expected `key = value`",
            ),
            ("[default\n", 1, "end with `]`"),
            ("[default] junk\n", 1, "end with `]`"),
            ("[ ]\n", 1, "a name between"),
            ("[default]\n= value\n", 2, "a key name before"),
            ("[a]\n[b]\n[a]\n", 3, "repeats the one on line 1"),
            (
                "[a]\nsecret_key=x\nSECRET_KEY=y\n",
                3,
                "`secret_key` is set again (first on line 2)",
            ),
            ("[a]\nother=x\nother=y\n", 3, "a key is set again"),
            ("\u{feff}\u{feff}[default]\n", 1, "expected `key = value`"),
        ];
        for (text, line, expected) in cases {
            let e = error(text);
            assert_eq!(e.line, line, "{text:?}: {e}");
            let shown = e.to_string();
            assert!(shown.starts_with(&format!("line {line}: ")), "{shown}");
            assert!(shown.contains(expected), "{text:?}: {shown}");
        }
    }

    #[test]
    fn errors_show_no_file_text() {
        for text in [
            "s3cr3t\n",
            "[p]\ns3cr3t\n",
            "[p]\ns3cr3t=1\ns3cr3t=2\n",
            "[s3cr3t\n",
        ] {
            let shown = format!("{0} {0:?}", error(text));
            assert!(!shown.contains("s3cr3t"), "{shown}");
        }
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        let e = parse_bytes(b"[default]\nsecret_id = A\nsecret_key = \xff\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.to_string().contains("UTF-8"), "{e}");
    }
}
