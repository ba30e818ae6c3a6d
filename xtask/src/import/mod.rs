//! `cargo xtask import`: Tencent's published descriptions plus our curated
//! facts become the spec the generator reads.
//!
//! Upstream (`api.json`, `examples.json`, `errorcodes.py`) gives every
//! action, object, member, document and example; `spec/curated/<service>.json` adds
//! what Tencent does not publish (rate limits, retry safety, the seeded
//! actions' error codes and examples, value sets, Rust names). Nothing of
//! upstream is retyped by hand, so a refresh is: replace the files, import,
//! review the report, regenerate.

mod curated;
mod examples;
mod merge;
mod paging;
mod refuse;
mod report;
mod times;
mod upstream;
mod value_sets;
mod write;

use serde_json::{Value, json};

pub use report::changes;
pub use upstream::{Upstream, parse_error_codes};
pub use write::to_text;

use curated::Curated;
use upstream::Api;

/// What an import found worth a reviewer's eye, besides the changes.
#[derive(Default)]
pub struct Notes {
    pub lines: Vec<String>,
    /// The closing counts (value sets and time types proposed, confirmed,
    /// corrected, rejected).
    pub summary: Vec<String>,
}

impl Notes {
    fn add(&mut self, line: String) {
        self.lines.push(line);
    }
}

/// Builds the spec (as our format's JSON) from upstream and curated facts.
pub fn build(up: &Upstream, curated: Option<&Value>) -> Result<(Value, Notes), String> {
    let mut notes = Notes::default();
    // In this order, so that when several things are wrong the error named
    // is the first the import always named.
    let api = Api::read(&up.api)?;
    let cur = Curated::read(curated)?;
    let actions = api.actions()?;

    let mut used = merge::Used::default();
    let (actions_spec, from_upstream) =
        merge::actions(&api, &cur, &actions, &up.examples, &mut used, &mut notes)?;
    let objects = merge::objects(&api, &cur, &actions, &mut used, &mut notes)?;
    let service_errors = merge::service_errors(&cur, &up.errors, &mut notes);
    merge::note_unused_keys(&api, &cur, &used, &mut notes);

    let mut spec = json!({
        "$schema": "./spec.schema.json",
        "$comment": "Written by `cargo xtask import` from spec/upstream/ and spec/curated/: edit those, not this file.",
        "format_version": 1,
        "service": merge::service(&api, &cur),
        "actions": actions_spec,
        "objects": objects,
        "common_errors": cur.common_errors,
        "service_errors": service_errors,
    });
    if let Some(v) = cur.value_sets {
        spec["value_sets"] = v.clone();
    }
    let sets = value_sets::propose(&mut spec, &cur, &mut notes);
    let times = times::propose(&mut spec, &cur, &mut notes)?;
    notes.summary.push(format!(
        "value sets: {} members given a proposed set ({} sets made), {} confirmed by curated, {} corrected by curated, {} rejected; {} documented lists unreadable, {} more read by curated",
        sets.proposed,
        sets.sets,
        sets.confirmed,
        sets.corrected,
        sets.rejected,
        sets.unreadable,
        sets.supplied
    ));
    let kinds: Vec<String> = times
        .proposed
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    notes.summary.push(format!(
        "time types: proposed {} ({}), {} confirmed by curated, {} corrected by curated, {} rejected; {} time-like members left alone",
        times.proposed.values().sum::<usize>(),
        if kinds.is_empty() { "none".to_owned() } else { kinds.join(", ") },
        times.confirmed, times.corrected, times.rejected, times.left_alone
    ));
    refuse::leave_out_refused(&mut spec, &from_upstream, &mut notes);
    Ok((spec, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service of one action, with a disabled member.
    fn api() -> Value {
        json!({
            "metadata": {"serviceShortName": "svc", "apiVersion": "2024-01-01"},
            "actions": {"DescribeX": {"name": "Lists X", "document": "d", "status": "online",
                                      "input": "DescribeXRequest", "output": "DescribeXResponse"}},
            "objects": {
                "DescribeXRequest": {"document": "req", "members": [
                    {"name": "Id", "type": "string", "member": "string", "document": "id"},
                    {"name": "Old", "disabled": true}]},
                "DescribeXResponse": {"document": "resp", "members": [
                    {"name": "RequestId", "type": "string", "member": "string", "document": "rid"}]}
            }
        })
    }

    fn import(api: Value) -> Result<(Value, Notes), String> {
        let up = Upstream {
            api,
            examples: json!({}),
            errors: Vec::new(),
        };
        build(&up, None)
    }

    /// The error importing `api()` edited gives.
    fn error(edit: impl FnOnce(&mut Value)) -> String {
        let mut api = api();
        edit(&mut api);
        match import(api) {
            Err(e) => e,
            Ok(_) => panic!("imported"),
        }
    }

    #[test]
    fn errors_name_the_json_path() {
        let Ok((spec, notes)) = import(api()) else {
            panic!("the unedited service does not import");
        };
        assert_eq!(spec["service"]["request_id_document"], "rid");
        let disabled = "DescribeX.request.Old: disabled upstream, left out";
        assert!(notes.lines.iter().any(|n| n == disabled));

        assert_eq!(
            error(|a| a["metadata"] = json!({"serviceShortName": "svc"})),
            "api.json.metadata.apiVersion: expected a string"
        );
        assert_eq!(
            error(|a| a["actions"]["DescribeX"]["input"] = json!(1)),
            "api.json.actions.DescribeX.input: expected a string"
        );
        assert_eq!(
            error(|a| a["actions"]["DescribeX"]["input"] = json!("Nope")),
            "api.json.actions.DescribeX: request object \"Nope\" is not in api.json.objects"
        );
        assert_eq!(
            error(|a| a["objects"]["DescribeXRequest"]["members"][0] = json!({"name": "Id"})),
            "api.json.objects.DescribeXRequest.members[0].member: expected a string"
        );
        assert_eq!(
            error(|a| a["objects"]["DescribeXResponse"]["members"] = json!({})),
            "api.json.objects.DescribeXResponse.members: expected a list"
        );
        // An action's objects are read before its own texts.
        assert_eq!(
            error(|a| {
                a["actions"]["DescribeX"]["name"] = Value::Null;
                a["objects"]["DescribeXRequest"]["document"] = Value::Null;
            }),
            "api.json.objects.DescribeXRequest.document: expected a string"
        );
    }
}
