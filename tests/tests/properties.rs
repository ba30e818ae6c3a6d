//! Property tests: the same code the fuzz targets hammer, run in the normal
//! suite so CI exercises it. No input makes the decoder, the spec loader or
//! the signer panic, and the tolerant decoding keeps its promises.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use bytes::Bytes;
use proptest::prelude::*;
use serde_json::{Value, json};
use tcmpp_api::actions::create_mnp_version::CreateMnpVersion;
use tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersions;
use tcmpp_api::error::{ErrorKind, ResponseErrorKind};
use tcmpp_tests::workspace_root;
use tencentcloud_runtime::__private::Lenient;
use tencentcloud_runtime::__private::decode_response;
use tencentcloud_runtime::signing::{self, Signer};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<u64>().prop_map(|i| json!(i)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::String),
        prop_oneof![
            Just("3"),
            Just("Develop"),
            Just("-1"),
            Just("1.5"),
            Just("")
        ]
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((field_name(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Mostly real member names, so the typed decoder goes deep.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "Data",
            "RequestId",
            "Error",
            "Code",
            "Message",
            "TaskId",
            "MNPId",
            "MNPVersionId",
            "Phase",
            "ApprovalStatus",
            "VersionCurrentStatus",
            "ShowCase",
            "CreateTime",
            "Status",
            "RollbackVersion",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
    ]
}

fn decode_both(body: &[u8]) {
    let b = Bytes::copy_from_slice(body);
    let _ = decode_response::<DescribeMnpAllStageVersions>(200, None, b.clone());
    let _ = decode_response::<CreateMnpVersion>(200, Some("application/json".into()), b);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_decoder_takes_any_bytes(body in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_both(&body);
    }

    #[test]
    fn the_decoder_takes_any_envelope(inner in json_value()) {
        let body = json!({"Response": inner}).to_string();
        decode_both(body.as_bytes());
        let data = json!({"Response": {"Data": [inner], "RequestId": "r"}}).to_string();
        decode_both(data.as_bytes());
    }

    #[test]
    fn truncated_or_invalid_utf8_bodies_are_unexpected_answers(cut in 0usize..200, junk in any::<u8>()) {
        let full = json!({"Response": {"Data": [{"MNPId": "m"}], "RequestId": "r"}}).to_string();
        let mut body = full.as_bytes()[..cut.min(full.len() - 1)].to_vec();
        body.push(junk | 0x80);
        let e = decode_response::<DescribeMnpAllStageVersions>(200, None, Bytes::from(body)).unwrap_err();
        match e.kind() {
            ErrorKind::Response(r) => prop_assert_eq!(r.kind(), &ResponseErrorKind::Unexpected),
            other => prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn integers_survive_being_sent_as_strings(id in any::<i64>(), status in 0i64..10) {
        let body = json!({"Response": {"Data": [{"MNPVersionId": id.to_string(), "ApprovalStatus": status.to_string()}], "RequestId": "r"}});
        let out = decode_response::<DescribeMnpAllStageVersions>(200, None, Bytes::from(body.to_string())).unwrap();
        let v = &out.data.unwrap()[0];
        prop_assert_eq!(v.mnp_version_id, Some(id));
        prop_assert_eq!(v.approval_status.as_ref().map(|s| s.as_i64()), Some(status));
    }

    #[test]
    fn cached_signing_equals_deriving_every_time(
        key in "[ -~]{1,40}",
        payload in any::<String>(),
        timestamp in 0u64..4_102_444_800,
    ) {
        let req = signing::Request {
            service: "tcmpp",
            host: "tcmpp.tencentcloudapi.com",
            content_type: "application/json",
            payload: payload.as_bytes(),
            timestamp,
        };
        // The streaming signer agrees with the step-by-step procedure.
        let by_steps = signing::authorization("AKID", &signing::signature(&key, &req), &req);
        let signer = Signer::new();
        prop_assert_eq!(&signer.authorization("AKID", &key, &req), &by_steps);
        prop_assert_eq!(&signer.authorization("AKID", &key, &req), &by_steps);
        prop_assert_eq!(&Signer::authorization_uncached("AKID", &key, &req), &by_steps);
    }
}

fn lenient<T: Lenient>(v: Value) -> Option<T> {
    T::deserialize_lenient(v).ok()
}

/// Whole floats on both sides of 2^53, and any float.
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<i64>().prop_map(|n| n as f64),
        (-(1i64 << 54)..(1i64 << 54)).prop_map(|n| n as f64),
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn lenient_integers_decode_exactly_what_was_sent(n in any::<i128>()) {
        // Sent as a string: exactly the values in range, nothing saturates.
        prop_assert_eq!(lenient::<i64>(json!(n.to_string())), i64::try_from(n).ok());
        prop_assert_eq!(lenient::<u64>(json!(n.to_string())), u64::try_from(n).ok());
        // Sent as a JSON integer (serde_json holds any i64 or u64 as one).
        if let Ok(i) = i64::try_from(n) {
            prop_assert_eq!(lenient::<i64>(json!(i)), Some(i));
            prop_assert_eq!(lenient::<u64>(json!(i)), u64::try_from(i).ok());
        }
        if let Ok(u) = u64::try_from(n) {
            prop_assert_eq!(lenient::<u64>(json!(u)), Some(u));
            prop_assert_eq!(lenient::<i64>(json!(u)), i64::try_from(u).ok());
        }
    }

    #[test]
    fn lenient_integers_take_whole_floats_only_where_exact(f in float()) {
        let exact = f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0;
        prop_assert_eq!(lenient::<i64>(json!(f)), exact.then_some(f as i64));
        prop_assert_eq!(lenient::<u64>(json!(f)), (exact && f >= 0.0).then_some(f as u64));
    }
}

fn spec() -> Value {
    read_spec("tests/fixtures/full.json")
}

fn read_spec(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(workspace_root().join(path)).unwrap()).unwrap()
}

/// Names that meet the generator's own, and keywords.
fn tricky_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "Self",
            "Type",
            "Builder",
            "New",
            "Build",
            "Send",
            "SetName",
            "Option",
            "Result",
            "Some",
            "None",
            "Ok",
            "Err",
            "String",
            "Vec",
            "Default",
            "Into",
            "From",
            "S0",
            "S1",
            "Unset",
            "Error",
            "RequestId",
            "RequestID",
            "Unhandled",
            "Unknown",
            "Models",
            "Call",
            "Str",
            "Crate",
            "Super",
            "Fn",
        ])
        .prop_map(str::to_owned),
        "[A-Z][A-Za-z0-9_]{0,6}",
    ]
}

/// Whether generation failed in the emitters, which must not happen for a
/// spec the checker accepts.
fn internal_error(e: &codegen::SpecError) -> bool {
    e.problems
        .iter()
        .any(|p| p.message.contains("internal generator error"))
}

/// Every JSON pointer in a value.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| {
            pointers(
                v,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_spec_loader_never_panics_on_a_mutated_spec(which in any::<prop::sample::Index>(), replacement in json_value()) {
        let mut s = spec();
        let mut all = Vec::new();
        pointers(&s, String::new(), &mut all);
        let at = which.get(&all).clone();
        if let Some(slot) = s.pointer_mut(&at) {
            *slot = replacement;
        }
        let text = s.to_string();
        match codegen::generate(&text, &codegen::Options::default()) {
            Ok(files) => prop_assert!(files.iter().all(|f| f.contents.starts_with("// @generated"))),
            Err(e) => prop_assert!(e.problems.iter().all(|p| !p.message.is_empty()) && !internal_error(&e), "{e}"),
        }
    }

    #[test]
    fn members_objects_and_actions_may_take_any_name(
        collisions in any::<bool>(),
        which in any::<prop::sample::Index>(),
        name in tricky_name(),
    ) {
        let mut s = read_spec(if collisions { "tests/fixtures/collisions.json" } else { "tests/fixtures/full.json" });
        // Rename a member, or add an action or object under the name.
        let mut slots = Vec::new();
        pointers(&s, String::new(), &mut slots);
        slots.retain(|p| p.ends_with("/name") && p.contains("/members/"));
        slots.push("/actions".to_owned());
        slots.push("/objects".to_owned());
        let at = which.get(&slots).clone();
        match at.as_str() {
            "/actions" => {
                let copy = s["actions"].as_object().and_then(|a| a.values().next()).cloned().unwrap();
                s["actions"][name.as_str()] = copy;
            }
            "/objects" => {
                let copy = s["objects"].as_object().and_then(|o| o.values().next()).cloned().unwrap();
                s["objects"][name.as_str()] = copy;
            }
            member => *s.pointer_mut(member).unwrap() = json!(name),
        }
        match codegen::generate(&s.to_string(), &codegen::Options::default()) {
            Ok(_) => {}
            // A clash of wire names, a renamed member an example still uses, a missing RequestId.
            Err(e) => prop_assert!(!internal_error(&e), "{name} at {at}: {e}"),
        }
    }

    #[test]
    fn the_spec_loader_never_panics_on_any_text(text in any::<String>()) {
        let accepted = codegen::load(&text).is_ok();
        prop_assert!(!accepted || text.trim_start().starts_with('{'), "accepted a non-object");
    }
}
