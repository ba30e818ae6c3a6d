//! What the generator refuses of what came from upstream is left out, each
//! with the generator's reason, so that nothing Tencent publishes stops
//! generation: an example whose answer the client could not read (text
//! for an integer, no `RequestId`), the request of an example (the answer
//! stays), a service error code that is not dotted words
//! (`InvalidParameter.`: the client reports it as unhandled, code kept).
//! Curated facts are left for the generator to report.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Notes;
use super::examples::UpstreamExamples;
use super::write::to_text;

/// Leaves out of `spec` what the generator refuses of upstream's: the
/// examples in `from_upstream` and the service error codes.
pub fn leave_out_refused(spec: &mut Value, from_upstream: &UpstreamExamples, notes: &mut Notes) {
    let Err(err) = codegen::load(&to_text(spec)) else {
        return;
    };
    let refused = Refused::read(&err.problems, from_upstream, notes);
    leave_out_codes(spec, &refused.codes, notes);
    leave_out_examples(spec, &refused.examples, from_upstream, notes);
}

/// The generator's problems with what came from upstream.
struct Refused<'a> {
    /// Service error code index -> the generator's message.
    codes: BTreeMap<usize, &'a str>,
    /// (action, example index) -> whether only the request is refused.
    examples: BTreeMap<(&'a str, usize), bool>,
}

impl<'a> Refused<'a> {
    /// Sorts the problems, noting each one with an upstream example.
    fn read(
        problems: &'a [codegen::Problem],
        from_upstream: &UpstreamExamples,
        notes: &mut Notes,
    ) -> Refused<'a> {
        let mut refused = Refused {
            codes: BTreeMap::new(),
            examples: BTreeMap::new(),
        };
        for p in problems {
            if let Some(i) = p
                .path
                .strip_prefix("service_errors[")
                .and_then(|r| r.split_once(']'))
                .and_then(|(i, _)| i.parse::<usize>().ok())
            {
                refused.codes.insert(i, &p.message);
            } else if let Some((action, i, rest)) = example_path(&p.path)
                && let Some(numbers) = from_upstream.get(action)
            {
                let request_only = rest.starts_with(".request");
                *refused.examples.entry((action, i)).or_insert(true) &= request_only;
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
        refused
    }
}

/// `actions.A.examples[i]<rest>` as `(A, i, rest)`.
fn example_path(path: &str) -> Option<(&str, usize, &str)> {
    let (action, rest) = path.strip_prefix("actions.")?.split_once(".examples[")?;
    let (i, rest) = rest.split_once(']')?;
    Some((action, i.parse().ok()?, rest))
}

fn leave_out_codes(spec: &mut Value, codes: &BTreeMap<usize, &str>, notes: &mut Notes) {
    let Some(list) = spec.get_mut("service_errors").and_then(Value::as_array_mut) else {
        return;
    };
    // From the last, so that the indexes still hold.
    for (&i, message) in codes.iter().rev() {
        if i < list.len() {
            list.remove(i);
            notes.add(format!(
                "service error code left out: {message} (the client reports it as unhandled)"
            ));
        }
    }
}

fn leave_out_examples(
    spec: &mut Value,
    examples: &BTreeMap<(&str, usize), bool>,
    from_upstream: &UpstreamExamples,
    notes: &mut Notes,
) {
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
