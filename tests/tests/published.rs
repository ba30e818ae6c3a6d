//! What Tencent publishes, taken end to end: `fixtures/published/` holds a
//! service description in the form of `tccli-intl-en`'s `api.json` and
//! `examples.json` and the SDK's `errorcodes.py`, odd in the ways other
//! services' are (cvm, csip, vpc, sms, apigateway); `cargo xtask import`
//! turns it into `fixtures/published.json` (its freshness is checked in
//! `xtask/tests/cli.rs`), which `build.rs` generates and compiles here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use serde_json::{Value, json};
use tcmpp_tests::published::PublishedErrorKind;
use tcmpp_tests::published::actions::create_campaign::CreateCampaignInput;
use tcmpp_tests::published::actions::describe_nodes::{
    DescribeNodes, DescribeNodesInput, DescribeNodesOutput, DescribeNodesResponseBody,
};
use tcmpp_tests::published::models::{Marker, Node, Options};
use tencentcloud_runtime::__private::{BodyError, ResponseBody};
use tencentcloud_runtime::operation::Operation;

const OPERATIONS: &[tencentcloud_runtime::OperationInfo] =
    tcmpp_tests::published::SERVICE.operations;

fn spec() -> Value {
    let path = tcmpp_tests::workspace_root().join("tests/fixtures/published.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn decode(body: Value) -> Result<DescribeNodesOutput, BodyError> {
    serde_json::from_value::<DescribeNodesResponseBody>(body)
        .unwrap()
        .into_output()
}

/// The first example's answer, as imported: numbers for strings, text for
/// numbers, 0 and 1 for booleans, a whole float for an integer, objects
/// that contain themselves, members named differently only in case.
#[test]
fn the_imported_example_decodes_as_the_service_meant_it() {
    let answer = spec()["actions"]["DescribeNodes"]["examples"][0]["response"]["Response"].clone();
    let out = decode(answer).unwrap();
    assert_eq!(out.healthy, Some(true)); // sent as 1
    assert_eq!(out.instance_id.as_deref(), Some("ins-1"));
    assert_eq!(out.instance_id_.as_deref(), Some("ins-2"));
    assert_eq!(out.nodes, None);
    assert_eq!(out.marker, Some(Marker::default()));
    assert_eq!(
        out.checked_at.unwrap().parts().map(|p| (p.hour, p.minute)),
        Some((6, 10))
    );
    assert_eq!(
        out.checked_at_iso.unwrap().unix_seconds(),
        Some(1_724_134_243)
    );
    assert_eq!(out.day.unwrap().parts(), Some((2024, 8, 20)));

    let node = out.node.unwrap();
    assert_eq!(node.name.as_deref(), Some("12"));
    assert_eq!(node.count, Some(3));
    assert_eq!(node.enabled, Some(false)); // sent as 0
    assert_eq!(node.instance_id.as_deref(), Some("ins-a"));
    assert_eq!(node.instance_id_.as_deref(), Some("ins-b"));
    // The object itself, boxed.
    let parent: &Node = node.parent.as_deref().unwrap();
    assert_eq!(
        (parent.name.as_deref(), parent.enabled, &parent.parent),
        (Some("root"), Some(true), &None)
    );
    // The object through another, boxed where the cycle closes.
    let to: &Node = node.edge.as_ref().unwrap().to.as_deref().unwrap();
    assert_eq!((to.name.as_deref(), to.count), (Some("leaf"), Some(2)));
    let children = node.children.unwrap();
    assert_eq!(children[0].enabled, Some(true));
}

/// Deeper than any example: a chain of nodes through both cycles, and a
/// member-less object that skips whatever it is sent.
#[test]
fn recursive_objects_decode_at_any_depth() {
    let mut v = json!({"Name": "bottom"});
    for i in 0..50 {
        v = if i % 2 == 0 {
            json!({"Name": format!("n{i}"), "Parent": v})
        } else {
            json!({"Edge": {"To": v}})
        };
    }
    let out =
        decode(json!({"Node": v, "Marker": {"Anything": [1, {"x": null}]}, "RequestId": "r"}))
            .unwrap();
    let mut node = out.node.unwrap();
    let mut depth = 0;
    loop {
        let next = match (node.parent, node.edge) {
            (Some(parent), _) => *parent,
            (None, Some(edge)) => *edge.to.unwrap(),
            (None, None) => break,
        };
        node = next;
        depth += 1;
    }
    assert_eq!((depth, node.name.as_deref()), (50, Some("bottom")));
    assert_eq!(out.marker, Some(Marker::default()));
}

/// What the importer left out is absent from the generated code, and what
/// it kept is there.
#[test]
fn what_does_not_fit_is_left_out_and_the_rest_kept() {
    let spec = spec();
    let describe = &spec["actions"]["DescribeNodes"];
    let titles: Vec<&str> = describe["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    // Upstream has six: text for an integer, an answer that is not JSON
    // and one without a RequestId are left out; a request with a disabled
    // member and one in the old GET form leave their answers.
    assert_eq!(
        titles,
        [
            "Answers the client reads, though they do not fit strictly",
            "A request with a member upstream disables",
            "A request in the old GET form",
        ]
    );
    let requests: Vec<bool> = describe["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.get("request").is_some())
        .collect();
    assert_eq!(requests, [true, false, false]);
    // Undescribed and disabled members are taken out of the answer kept.
    let answer = &describe["examples"][0]["response"]["Response"];
    for gone in ["Hidden", "Unknown"] {
        assert!(answer.get(gone).is_none(), "{gone}");
    }
    assert!(answer["Node"].get("Undocumented").is_none());

    // The operation table: the disabled request member is not a parameter.
    let info = OPERATIONS
        .iter()
        .find(|o| o.action == DescribeNodes::ACTION)
        .unwrap();
    let params: Vec<&str> = info.request.iter().map(|p| p.name).collect();
    assert_eq!(params, ["InstanceId", "InstanceID", "Verbose", "Options"]);
    assert!(info.retry_safe);
    assert_eq!(OPERATIONS.len(), 3);
    // An empty title upstream becomes the action's name; an empty
    // RequestId document gives way to one that says something.
    assert_eq!(spec["actions"]["DeleteNode"]["name"], "DeleteNode");
    assert_eq!(
        spec["service"]["request_id_document"],
        "The unique request ID, which is returned for each request."
    );

    // `InvalidParameter.` is not dotted words: left out, so unhandled.
    assert_eq!(
        PublishedErrorKind::from_code("InvalidParameter"),
        PublishedErrorKind::InvalidParameter
    );
    assert_eq!(
        PublishedErrorKind::from_code("InvalidParameter."),
        PublishedErrorKind::Unhandled
    );
}

/// Sixteen required members (cwp has fifteen): the typestate builder takes
/// them in any order and builds once all are set.
#[test]
fn an_action_with_sixteen_required_members_builds() {
    let input = CreateCampaignInput::builder()
        .name15("o")
        .name14("n")
        .name13("m")
        .name12("l")
        .name11("k")
        .callees0(["0"])
        .name1("a")
        .callees2(["2"])
        .name3("b")
        .callees4(["4"])
        .name5("c")
        .callees6(["6"])
        .name7("d")
        .callees8(["8"])
        .name9("e")
        .callees10(["10"])
        .build();
    let v = serde_json::to_value(&input).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 16);
    assert_eq!(
        (&v["Callees10"], &v["Name11"]),
        (&json!(["10"]), &json!("k"))
    );
}

/// The request side: the pair differing only in case sets two parameters,
/// and a member-less object serializes as an empty object.
#[test]
fn requests_keep_both_members_of_a_case_pair() {
    let input = DescribeNodesInput::builder()
        .instance_id("ins-1")
        .instance_id_("ins-2")
        .options(Options::builder().build())
        .build();
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({"InstanceId": "ins-1", "InstanceID": "ins-2", "Options": {}})
    );
}
