//! Edits of the workspace's own files as text: the registry gains one line,
//! a `Cargo.toml` list one item, and everything else stays as it is, so a
//! new service is a small reviewable diff (serde_json would sort keys and
//! reformat, and there is no TOML writer here that keeps a file's layout).

/// `text` (the registry) with `entry` appended to its top-level `services`
/// list, indented like the entries before it.
pub fn append_service(text: &str, entry: &str) -> Result<String, String> {
    let (open, close) = json_services(text).ok_or("found no top-level \"services\": [...] list")?;
    let b = text.as_bytes();
    let last = (open + 1..close)
        .rev()
        .find(|&i| !b[i].is_ascii_whitespace());
    let mut out = String::with_capacity(text.len() + entry.len() + 8);
    match last {
        None => {
            let indent = line_indent(text, open);
            out.push_str(&text[..open]);
            out.push_str(&format!("[\n{indent}  {entry}\n{indent}]"));
            out.push_str(&text[close + 1..]);
        }
        Some(last) => {
            let indent = line_indent(text, last);
            out.push_str(&text[..=last]);
            out.push_str(&format!(",\n{indent}{entry}"));
            out.push_str(&text[last + 1..]);
        }
    }
    Ok(out)
}

/// The leading whitespace of the line that holds byte `at`.
fn line_indent(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The brackets of the top-level object's `"services"` array.
fn json_services(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = json_string_end(b, i)?;
                if depth == 1 && &text[i + 1..end] == "services" {
                    let colon = skip_ws(b, end + 1);
                    if b.get(colon) == Some(&b':') {
                        let open = skip_ws(b, colon + 1);
                        if b.get(open) == Some(&b'[') {
                            return json_close(b, open).map(|close| (open, close));
                        }
                    }
                }
                i = end;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The closing quote of the JSON string opening at `open`.
fn json_string_end(b: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The bracket closing the one at `open`.
fn json_close(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' => i = json_string_end(b, i)?,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A line of a TOML file, with its table.
struct Line<'a> {
    start: usize,
    text: &'a str,
    table: &'a str,
}

fn toml_lines(text: &str) -> Vec<Line<'_>> {
    let mut table = "";
    let mut start = 0;
    let mut lines = Vec::new();
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            let inner = t.trim_start_matches('[');
            table = inner.split(']').next().unwrap_or("").trim();
        }
        lines.push(Line {
            start,
            text: line,
            table,
        });
        start += line.len();
    }
    lines
}

/// The key a TOML line sets (its first dotted part, unquoted), if any.
fn toml_key(line: &str) -> Option<&str> {
    let t = line.trim();
    if t.starts_with(['#', '[']) {
        return None;
    }
    let (key, _) = t.split_once('=')?;
    Some(key.split('.').next()?.trim().trim_matches(['"', '\'']))
}

/// One string of a TOML array: its bytes (quotes included) and value.
struct Item<'a> {
    start: usize,
    end: usize,
    value: &'a str,
}

/// The brackets of `key`'s array in `[table]`, and its strings.
fn toml_array<'a>(
    text: &'a str,
    table: &str,
    key: &str,
) -> Result<Option<(usize, usize, Vec<Item<'a>>)>, String> {
    let Some(line) = toml_lines(text)
        .into_iter()
        .find(|l| l.table == table && toml_key(l.text) == Some(key))
    else {
        return Ok(None);
    };
    let b = text.as_bytes();
    let at = |what: &str| format!("[{table}] {key}: {what}");
    let eq = line.start + line.text.find('=').unwrap_or(0);
    let open = skip_ws(b, eq + 1);
    if b.get(open) != Some(&b'[') {
        return Err(at("expected a list"));
    }
    let mut items = Vec::new();
    let mut i = open + 1;
    loop {
        match b.get(i) {
            None => return Err(at("the list is not closed")),
            Some(b']') => return Ok(Some((open, i, items))),
            Some(c) if c.is_ascii_whitespace() || *c == b',' => i += 1,
            Some(b'#') => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n);
            }
            Some(&q @ (b'"' | b'\'')) => {
                let close = text[i + 1..]
                    .find(q as char)
                    .map(|n| i + 1 + n)
                    .ok_or_else(|| at("a string is not closed"))?;
                items.push(Item {
                    start: i,
                    end: close + 1,
                    value: &text[i + 1..close],
                });
                i = close + 1;
            }
            Some(_) => return Err(at("expected a list of strings")),
        }
    }
}

/// `text` with `krate` added to `[workspace]`'s `key` list, after the last
/// of `after` (the registered services' crates) that it lists, else last;
/// `None` if there is no such list.
pub fn add_to_list(
    text: &str,
    key: &str,
    krate: &str,
    after: &[String],
) -> Result<Option<String>, String> {
    let Some((open, close, items)) = toml_array(text, "workspace", key)? else {
        return Ok(None);
    };
    if items.iter().any(|i| i.value == krate) {
        return Err(format!("[workspace] {key} already lists \"{krate}\""));
    }
    let new = format!("\"{krate}\"");
    let anchor = items
        .iter()
        .rev()
        .find(|i| after.iter().any(|a| a == i.value))
        .or(items.last());
    let Some(anchor) = anchor else {
        return Ok(Some(format!(
            "{}[{new}]{}",
            &text[..open],
            &text[close + 1..]
        )));
    };
    let b = text.as_bytes();
    let mut inserts = Vec::new();
    if !text[open..close].contains('\n') {
        inserts.push((anchor.end, format!(", {new}")));
    } else {
        // One item a line: a line of its own after the anchor's (comment
        // included), with its indentation and its comma style.
        let indent = line_indent(text, anchor.start);
        let mut after_anchor = anchor.end;
        while matches!(b.get(after_anchor), Some(b' ' | b'\t')) {
            after_anchor += 1;
        }
        let comma = b.get(after_anchor) == Some(&b',');
        let line_end = text[anchor.end..close]
            .find('\n')
            .map(|n| anchor.end + n + 1);
        match (comma, line_end) {
            (true, Some(end)) => inserts.push((end, format!("{indent}{new},\n"))),
            (false, Some(end)) => {
                inserts.push((anchor.end, ",".to_owned()));
                inserts.push((end, format!("{indent}{new}\n")));
            }
            (true, None) => inserts.push((after_anchor + 1, format!("\n{indent}{new},"))),
            (false, None) => inserts.push((anchor.end, format!(",\n{indent}{new}"))),
        }
    }
    let mut out = text.to_owned();
    for (at, s) in inserts.into_iter().rev() {
        out.insert_str(at, &s);
    }
    Ok(Some(out))
}

/// `text` with `line` added to `[workspace.dependencies]`, after the last of
/// `after` that it names, else first. The table must name
/// `tencentcloud-runtime` (every service crate depends on it) and not `krate`.
pub fn add_dependency(
    text: &str,
    krate: &str,
    line: &str,
    after: &[String],
) -> Result<String, String> {
    const TABLE: &str = "workspace.dependencies";
    let lines = toml_lines(text);
    let header = lines
        .iter()
        .find(|l| l.table == TABLE && l.text.trim().starts_with('['))
        .ok_or_else(|| format!("no [{TABLE}] table"))?;
    let keys: Vec<(&Line<'_>, &str)> = lines
        .iter()
        .filter(|l| l.table == TABLE)
        .filter_map(|l| toml_key(l.text).map(|k| (l, k)))
        .collect();
    if keys.iter().any(|(_, k)| *k == krate) {
        return Err(format!("[{TABLE}] already has \"{krate}\""));
    }
    if !keys.iter().any(|(_, k)| *k == "tencentcloud-runtime") {
        return Err(format!(
            "[{TABLE}] has no tencentcloud-runtime, which every service crate depends on"
        ));
    }
    let anchor = keys
        .iter()
        .rev()
        .find(|(_, k)| after.iter().any(|a| a == k))
        .map_or(header, |(l, _)| *l);
    let at = anchor.start + anchor.text.len();
    let newline = if anchor.text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    Ok(format!("{}{newline}{line}\n{}", &text[..at], &text[at..]))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a panic is a failed test

    use super::*;

    const ENTRY: &str = r#"{ "name": "sts", "version": "v20180813", "crate": "sts-api" }"#;

    #[test]
    fn a_service_is_one_more_line_indented_like_the_others() {
        let text = "{\n  \"$comment\": \"services: [\\\"x\\\"]\",\n  \"services\": [\n    { \"name\": \"a\" },\n    { \"name\": \"b\" }\n  ]\n}\n";
        let want = "{\n  \"$comment\": \"services: [\\\"x\\\"]\",\n  \"services\": [\n    { \"name\": \"a\" },\n    { \"name\": \"b\" },\n    ENTRY\n  ]\n}\n";
        assert_eq!(append_service(text, "ENTRY").unwrap(), want);
        let empty = "{\n  \"services\": []\n}\n";
        assert_eq!(
            append_service(empty, ENTRY).unwrap(),
            format!("{{\n  \"services\": [\n    {ENTRY}\n  ]\n}}\n")
        );
        // A "services" inside an entry is not the list.
        let nested = "{\"x\": {\"services\": [1]}, \"services\": [2]}";
        assert_eq!(
            append_service(nested, "3").unwrap(),
            "{\"x\": {\"services\": [1]}, \"services\": [2,\n3]}"
        );
        assert!(append_service("{\"other\": []}", ENTRY).is_err());
    }

    #[test]
    fn a_crate_joins_a_list_after_the_service_crates() {
        let after = ["tcmpp-api".to_owned(), "tcsas-api".to_owned()];
        let text = "[workspace]\nmembers = [\"runtime\", \"tcmpp-api\", \"tcsas-api\", \"mock\"] # x\ndefault-members = []\n";
        let out = add_to_list(text, "members", "sts-api", &after).unwrap();
        assert_eq!(
            out.unwrap(),
            "[workspace]\nmembers = [\"runtime\", \"tcmpp-api\", \"tcsas-api\", \"sts-api\", \"mock\"] # x\ndefault-members = []\n"
        );
        let out = add_to_list(text, "default-members", "sts-api", &after).unwrap();
        assert_eq!(
            out.unwrap(),
            "[workspace]\nmembers = [\"runtime\", \"tcmpp-api\", \"tcsas-api\", \"mock\"] # x\ndefault-members = [\"sts-api\"]\n"
        );
        // One item a line, with or without a trailing comma.
        let lines = "[workspace]\nmembers = [\n  \"runtime\",\n  \"tcmpp-api\", # the first\n  \"mock\"\n]\n";
        assert_eq!(
            add_to_list(lines, "members", "sts-api", &after)
                .unwrap()
                .unwrap(),
            "[workspace]\nmembers = [\n  \"runtime\",\n  \"tcmpp-api\", # the first\n  \"sts-api\",\n  \"mock\"\n]\n"
        );
        assert_eq!(
            add_to_list(lines, "members", "sts-api", &[])
                .unwrap()
                .unwrap(),
            "[workspace]\nmembers = [\n  \"runtime\",\n  \"tcmpp-api\", # the first\n  \"mock\",\n  \"sts-api\"\n]\n"
        );
        let closed = "[workspace]\nmembers = [\n  \"a\", \"b\"]\n";
        assert_eq!(
            add_to_list(closed, "members", "c", &[]).unwrap().unwrap(),
            "[workspace]\nmembers = [\n  \"a\", \"b\",\n  \"c\"]\n"
        );
        // Only [workspace]'s list counts; a listed crate is refused.
        let other = "[package]\nmembers = [\"x\"]\n[workspace]\n";
        assert!(
            add_to_list(other, "members", "x", &after)
                .unwrap()
                .is_none()
        );
        let err = add_to_list(text, "members", "mock", &after).unwrap_err();
        assert_eq!(err, "[workspace] members already lists \"mock\"");
        let err = add_to_list("[workspace]\nmembers = \"x\"\n", "members", "y", &after);
        assert_eq!(err.unwrap_err(), "[workspace] members: expected a list");
    }

    #[test]
    fn a_dependency_follows_the_service_crates() {
        let after = ["tcsas-api".to_owned()];
        let line = "sts-api = { path = \"sts-api\" }";
        let text = "[workspace.dependencies]\ncodegen = {}\ntcsas-api = {}\ntencentcloud-runtime = {}\n\n[x]\n";
        assert_eq!(
            add_dependency(text, "sts-api", line, &after).unwrap(),
            "[workspace.dependencies]\ncodegen = {}\ntcsas-api = {}\nsts-api = { path = \"sts-api\" }\ntencentcloud-runtime = {}\n\n[x]\n"
        );
        assert_eq!(
            add_dependency(text, "sts-api", line, &[]).unwrap(),
            "[workspace.dependencies]\nsts-api = { path = \"sts-api\" }\ncodegen = {}\ntcsas-api = {}\ntencentcloud-runtime = {}\n\n[x]\n"
        );
        for (text, error) in [
            ("[workspace]\n", "no [workspace.dependencies] table"),
            (
                "[workspace.dependencies]\nserde = \"1\"\n",
                "[workspace.dependencies] has no tencentcloud-runtime",
            ),
            (
                "[workspace.dependencies]\ntencentcloud-runtime = {}\nsts-api.path = \"x\"\n",
                "[workspace.dependencies] already has \"sts-api\"",
            ),
        ] {
            let err = add_dependency(text, "sts-api", line, &after).unwrap_err();
            assert!(err.starts_with(error), "{err}");
        }
    }
}
