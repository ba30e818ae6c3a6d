//! Doc attributes from spec text.

use proc_macro2::TokenStream;
use quote::quote;

/// Escapes what rustdoc would misread in prose from the spec (`[x]` as a
/// link, `<x>` as HTML, bare URLs), leaving `code spans` alone, and ends a
/// list before a line that is not part of it (cvm's "- false: ...\nNote:
/// ..."), which markdown would otherwise read as the last item's.
pub(crate) fn markdown(text: &str) -> String {
    let text = end_lists(text);
    let text = text.as_str();
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
        }
        if !in_code {
            if let Some(url_len) = url_at(rest) {
                out.push('<');
                out.push_str(&rest[..url_len]);
                out.push('>');
                rest = &rest[url_len..];
                continue;
            }
            if matches!(c, '[' | ']' | '<' | '>' | '*' | '_' | '#') {
                out.push('\\');
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Tabs become spaces (rustdoc and clippy want no tabs in docs), and a
/// line that follows a list item without being one is made unambiguous:
/// not indented, it starts a paragraph after the list; indented less than
/// the item's text, it is indented to continue the item.
fn end_lists(text: &str) -> String {
    let text = text.replace('\t', "    ");
    let mut out = String::with_capacity(text.len());
    // The column of the current item's text, while in a list.
    let mut item_text: Option<usize> = None;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        match (list_item_text(line), item_text) {
            (Some(col), _) => item_text = Some(col),
            _ if line.trim().is_empty() => item_text = None,
            (None, Some(_)) if indent == 0 => {
                out.push('\n');
                item_text = None;
            }
            (None, Some(col)) if indent < col => {
                out.extend(std::iter::repeat_n(' ', col));
                out.push_str(line.trim_start_matches(' '));
                continue;
            }
            (None, _) => {}
        }
        out.push_str(line);
    }
    out
}

/// Where the text of a list item starts: `- x`, `+ x`, `1. x` or `1) x`
/// (a `*` is escaped, so never an item); `None` for other lines.
fn list_item_text(line: &str) -> Option<usize> {
    let t = line.trim_start_matches(' ');
    let indent = line.len() - t.len();
    if t.starts_with("- ") || t.starts_with("+ ") {
        return Some(indent + 2);
    }
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marked = t[digits..].starts_with(". ") || t[digits..].starts_with(") ");
    ((1..=9).contains(&digits) && marked).then_some(indent + digits + 2)
}

fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    Some(
        s.find(|c: char| c.is_whitespace() || matches!(c, ')' | ',' | '"' | '\'' | '<' | '>'))
            .unwrap_or(s.len()),
    )
}

fn lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    })
}

/// An intra-doc link to the generated struct `name`. A struct named like a
/// derive macro of the prelude (`Default`) needs the `struct@`
/// disambiguator, or rustdoc cannot tell which is meant.
pub(crate) fn struct_link(name: &str) -> String {
    const DERIVES: [&str; 9] = [
        "Clone",
        "Copy",
        "Debug",
        "Default",
        "Eq",
        "Hash",
        "Ord",
        "PartialEq",
        "PartialOrd",
    ];
    if DERIVES.contains(&name) {
        format!("[`{name}`](struct@{name})")
    } else {
        format!("[`{name}`]")
    }
}

/// Paragraphs joined by a blank line, leaving out empty ones: a spec's
/// document may be empty (Tencent publishes some), and must not leave an
/// empty paragraph in the docs.
pub(crate) fn paragraphs<S: AsRef<str>>(parts: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    for p in parts {
        let p = p.as_ref().trim_matches('\n');
        if p.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(p);
    }
    out
}

/// `#[doc = ...]` attributes for already-formatted markdown.
pub(crate) fn outer(markdown_text: &str) -> TokenStream {
    let lines = lines(markdown_text);
    quote! { #(#[doc = #lines])* }
}

/// `#![doc = ...]` attributes for already-formatted markdown.
pub(crate) fn inner(markdown_text: &str) -> TokenStream {
    let lines = lines(markdown_text);
    quote! { #(#![doc = #lines])* }
}

/// A fenced JSON block, pretty-printed.
pub(crate) fn json_block(v: &serde_json::Value) -> String {
    let body = serde_json::to_string_pretty(v).unwrap_or_default();
    format!("```json\n{body}\n```")
}

#[cfg(test)]
mod tests {
    use super::markdown;

    #[test]
    fn escapes_prose_but_not_code() {
        assert_eq!(markdown("Values: [A,B]"), "Values: \\[A,B\\]");
        assert_eq!(markdown("`[x]` and <y>"), "`[x]` and \\<y\\>");
        assert_eq!(
            markdown("see http://127.0.0.1/a.png now"),
            "see <http://127.0.0.1/a.png> now"
        );
        assert_eq!(markdown("snake_case"), "snake\\_case");
        assert_eq!(
            markdown("GPT:\"https://api.openai.com/v1/\""),
            "GPT:\"<https://api.openai.com/v1/>\""
        );
    }

    #[test]
    fn a_line_after_a_list_is_not_its_last_item() {
        assert_eq!(
            markdown("Restart:\n- true: yes.\n- false: no.\nNote: only then."),
            "Restart:\n- true: yes.\n- false: no.\n\nNote: only then."
        );
        // Indented lines continue the item, to its text's column; blank
        // lines already end it.
        let kept = "1. a\n   more\n2) b\n\nafter";
        assert_eq!(markdown(kept), kept);
        assert_eq!(markdown("- a\n  b\nc"), "- a\n  b\n\nc");
        assert_eq!(
            markdown("- if 1:\n -If less: x.\n -If more: y."),
            "- if 1:\n  -If less: x.\n  -If more: y."
        );
        assert_eq!(markdown("a\tb\n\t- c"), "a    b\n    - c");
        assert_eq!(markdown("Since 2024. Text\nmore"), "Since 2024. Text\nmore");
    }

    #[test]
    fn empty_paragraphs_are_left_out() {
        assert_eq!(super::paragraphs(["", "Wire name."]), "Wire name.");
        assert_eq!(super::paragraphs(["A.", " ", "B."]), "A.\n\nB.");
        assert_eq!(super::paragraphs([""; 2]), "");
    }

    #[test]
    fn links_to_structs_named_like_derives_are_disambiguated() {
        assert_eq!(super::struct_link("Widget"), "[`Widget`]");
        assert_eq!(super::struct_link("Default"), "[`Default`](struct@Default)");
    }
}
