//! The code generated from `fixtures/collisions.json` (compiled by
//! `build.rs`) keeps every colliding member apart: each has its own Rust
//! name, its own wire name, and a response member named `Error` is told
//! from the envelope's error by its shape.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use serde_json::json;
use tcmpp_tests::collisions::actions::{put_thing, s3};
use tcmpp_tests::collisions::{self, models};
use tencentcloud_runtime::__private::serde::de::DeserializeOwned;
use tencentcloud_runtime::__private::{BodyError, ResponseBody};
use tencentcloud_runtime::operation::{Operation, ServiceError};

fn decode<B: ResponseBody + DeserializeOwned>(
    body: serde_json::Value,
) -> Result<B::Output, BodyError> {
    serde_json::from_value::<B>(body).unwrap().into_output()
}

#[test]
fn colliding_members_each_keep_their_wire_name() {
    let input = put_thing::PutThingInput::builder()
        .value("v")
        .mnp_id("first")
        .mnp_id_("second")
        .self_("me")
        .builder_("b")
        .new_("n")
        .build_("bd")
        .send_("sd")
        .default_(true)
        .clone_("cl")
        .add_(3)
        .color("c1")
        .set_color_("c2")
        .set_size("s1")
        .size_("s2")
        .set_value("sv")
        .type_("t1")
        .type__("t2")
        .is_enabled(false)
        .from_address("from")
        .as_text("text")
        .client("client")
        .input("input")
        .phase(models::Phase::On_)
        .tags(["x"])
        .choice(models::Option::builder().some("s").build())
        .build();
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({
            "Value": "v", "MNPId": "first", "MnpId": "second", "Self": "me",
            "Builder": "b", "New": "n", "Build": "bd", "Send": "sd", "Default": true,
            "Clone": "cl", "Add": 3, "Color": "c1", "SetColor": "c2", "SetSize": "s1",
            "Size": "s2", "SetValue": "sv", "Type": "t1", "Type_": "t2", "IsEnabled": false,
            "FromAddress": "from", "AsText": "text", "Client": "client", "Input": "input",
            "Phase": "On", "Tags": ["x"], "Choice": {"Some": "s"}
        })
    );
    assert_eq!(input.mnp_id(), "first");
    assert_eq!(input.mnp_id_(), "second");
    assert_eq!(input.color(), Some("c1"));
    assert_eq!(input.set_color_(), Some("c2"));
    assert_eq!(input.set_size(), Some("s1"));
    assert_eq!(input.size_(), Some("s2"));
    assert_eq!(input.builder_(), Some("b"));
    assert_eq!(input.type__(), Some("t2"));
}

#[test]
fn set_methods_clear_the_member_they_belong_to() {
    let input = put_thing::PutThingInput::builder()
        .value("v")
        .mnp_id("a")
        .mnp_id_("b")
        .self_("s")
        .color("c1")
        .set_color_("c2")
        .set_size("s1")
        .size_("s2")
        // Color's `set_color` and SetColor's `set_set_color_`, SetSize's
        // `set_set_size` and Size's `set_size_`.
        .set_color(None)
        .set_set_size(None)
        .build();
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({"Value": "v", "MNPId": "a", "MnpId": "b", "Self": "s", "SetColor": "c2", "Size": "s2"})
    );
    let input = put_thing::PutThingInput::builder()
        .value("v")
        .mnp_id("a")
        .mnp_id_("b")
        .self_("s")
        .set_color_("c2")
        .size_("s2")
        .set_set_color_(None)
        .set_size_(None)
        .set_type(Some("t".to_owned()))
        .build();
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({"Value": "v", "MNPId": "a", "MnpId": "b", "Self": "s", "Type": "t"})
    );
}

#[test]
fn the_fluent_request_keeps_send_apart_from_the_send_member() {
    let client: collisions::Client =
        tcmpp_tests::builder_for(collisions::SERVICE, "http://127.0.0.1:9")
            .build()
            .unwrap();
    let request = put_thing::PutThingInput::builder()
        .with_client(client.clone())
        .send_("member")
        .with_client_("w")
        .new_("n")
        .client("c")
        .input("i")
        .value("v")
        .mnp_id("a")
        .mnp_id_("b")
        .self_("s");
    // `send` exists once every required member is set; the future is not polled.
    drop(request.send());
    let typestate: s3::S3Request<_, _, _, _> = s3::S3Input::builder()
        .a("a")
        .b("b")
        .with_client(client)
        .c("c")
        .d("d");
    drop(typestate.send());
}

#[test]
fn a_response_member_named_error_is_told_from_the_envelope_error() {
    let out = decode::<put_thing::PutThingResponseBody>(json!({
        "Error": "disk full", "RequestID": "other", "RequestId": "req-1", "Result": {"Ok": "1"}
    }))
    .unwrap();
    assert_eq!(out.error.as_deref(), Some("disk full"));
    assert_eq!(out.request_id_.as_deref(), Some("other"));
    assert_eq!(out.request_id, "req-1");
    assert_eq!(out.result.unwrap().ok, Some(true));

    let out = decode::<put_thing::PutThingResponseBody>(json!({"Error": null, "RequestId": "r"}))
        .unwrap();
    assert_eq!((out.error, out.request_id_), (None, None));

    let meta = match decode::<put_thing::PutThingResponseBody>(
        json!({"Error": {"Code": "FooBar", "Message": "no"}, "RequestId": "req-2"}),
    ) {
        Err(BodyError::Service(meta)) => meta,
        other => panic!("expected the service's error, got {other:?}"),
    };
    let err = put_thing::PutThingError::from_metadata(meta);
    assert_eq!(err.kind(), put_thing::PutThingErrorKind::FooBar_);
    assert_eq!(err.request_id(), Some("req-2"));
}

/// `InstanceId` and `InstanceID` (both in cvm) convert to one Rust name:
/// each gets its own field, the later one in spec order `instance_id_`,
/// and each decodes from its own key, in a response and in an object.
#[test]
fn members_differing_only_in_case_decode_to_distinct_fields() {
    let out = decode::<put_thing::PutThingResponseBody>(json!({
        "InstanceId": "ins-1", "InstanceID": "ins-2",
        "Machine": {"InstanceID": "ins-3", "InstanceId": "ins-4"},
        "RequestId": "r"
    }))
    .unwrap();
    assert_eq!(out.instance_id.as_deref(), Some("ins-1"));
    assert_eq!(out.instance_id_.as_deref(), Some("ins-2"));
    let machine = out.machine.unwrap();
    assert_eq!(machine.instance_id.as_deref(), Some("ins-3"));
    assert_eq!(machine.instance_id_.as_deref(), Some("ins-4"));

    // One without the other leaves the other empty.
    let out =
        decode::<put_thing::PutThingResponseBody>(json!({"InstanceID": "only", "RequestId": "r"}))
            .unwrap();
    assert_eq!(
        (out.instance_id, out.instance_id_.as_deref()),
        (None, Some("only"))
    );
}

#[test]
fn an_object_member_named_error_is_told_from_the_envelope_error() {
    let out = decode::<s3::S3ResponseBody>(json!({"Error": {"Reason": "late"}, "RequestId": "r"}))
        .unwrap();
    assert_eq!(out.error.unwrap().reason.as_deref(), Some("late"));
    match decode::<s3::S3ResponseBody>(
        json!({"Error": {"Code": "InternalError"}, "RequestId": "r"}),
    ) {
        Err(BodyError::Service(meta)) => assert_eq!(meta.code(), "InternalError"),
        other => panic!("expected the service's error, got {other:?}"),
    }
    // Answers may omit any member, this one too.
    let out = decode::<s3::S3ResponseBody>(json!({"RequestId": "r"})).unwrap();
    assert!(out.error.is_none());
}

#[test]
fn error_codes_with_colliding_variants_each_classify() {
    use put_thing::PutThingErrorKind as K;
    for (code, kind) in [
        ("Unhandled", K::Unhandled_),
        ("Self", K::Self_),
        ("Foo.Bar", K::FooBar),
        ("FooBar", K::FooBar_),
        ("Internal.Error", K::InternalError),
        ("InternalError", K::InternalError_),
        ("AuthFailure", K::AuthFailure),
        ("Never.Documented", K::Unhandled),
    ] {
        assert_eq!(K::from_code(code), kind, "{code}");
        assert_eq!(
            kind.code(),
            (kind != K::Unhandled).then_some(code),
            "{code}"
        );
    }
}

#[test]
fn models_named_like_prelude_items_and_typestate_parameters_build() {
    let s3 = models::S3::builder().w("w").x("x").y("y").z("z").build();
    assert_eq!(
        serde_json::to_value(&s3).unwrap(),
        json!({"W": "w", "X": "x", "Y": "y", "Z": "z"})
    );
    let s0 = models::S0::builder().value("v").build();
    assert_eq!(s0.value.as_deref(), Some("v"));
    let me = models::SelfBuilder::new().self_("me").build();
    assert_eq!(serde_json::to_value(&me).unwrap(), json!({"Self": "me"}));
    // Only answers carry `Result`: it decodes, and needs no `Serialize`.
    let mut result = models::Result::default();
    result.ok = Some(true);
    result.err = Some("e".to_owned());
    let decoded: models::Result = serde_json::from_value(json!({"Ok": 1, "Err": "e"})).unwrap();
    assert_eq!(decoded, result);
    let vec = models::Vec::builder().items(["a", "b"]).build();
    assert_eq!(vec.items, Some(vec!["a".to_owned(), "b".to_owned()]));
    let names = models::IntoIterator::builder().names(["n"]).build();
    assert_eq!(
        serde_json::to_value(&names).unwrap(),
        json!({"Names": ["n"]})
    );
    let string = models::String::builder().value("s").build();
    let decoded: models::String = serde_json::from_value(json!({"Value": 5})).unwrap();
    assert_eq!(decoded.value.as_deref(), Some("5"));
    assert_ne!(decoded, string);
    let _ = (
        models::Box::builder().inner("i").build(),
        models::Into::builder().count(1u32).build(),
        models::From::builder().address("a").build(),
        models::Default::builder().on(true).build(),
        models::Some::builder().value("v").build(),
        models::Ok::builder().value("v").build(),
    );
}

#[test]
fn builders_yield_to_objects_of_their_name() {
    // `ThingBuilder` is an object, so `Thing`'s builder is `ThingBuilder_`.
    let thing: models::Thing = models::ThingBuilder_::new().name("t").build();
    let other: models::ThingBuilder = models::ThingBuilder::builder().name("u").build();
    assert_eq!(thing.name.as_deref(), Some("t"));
    assert_eq!(other.name.as_deref(), Some("u"));
    let _: models::ThingBuilderBuilder = models::ThingBuilder::builder();
    // `FooBar` and `Foo_Bar`: the first in order keeps the name.
    assert_eq!(
        serde_json::to_value(models::FooBar::builder().b("b").build()).unwrap(),
        json!({"B": "b"})
    );
    assert_eq!(
        serde_json::to_value(models::FooBar_::builder().a("a").build()).unwrap(),
        json!({"A": "a"})
    );
}

#[test]
fn value_set_variants_that_collide_keep_their_values() {
    use models::Phase;
    for (phase, wire) in [
        (Phase::Unknown_, "Unknown"),
        (Phase::Self_, "self"),
        (Phase::On, "ON"),
        (Phase::On_, "On"),
    ] {
        assert_eq!(phase.as_str(), wire);
        assert_eq!(Phase::from(wire), phase);
        assert_eq!(serde_json::to_value(&phase).unwrap(), json!(wire));
    }
    let on = Phase::from("on");
    assert!(matches!(on, Phase::Unknown(_)));
    assert_eq!(on.as_str(), "on");
}

fn action<O: Operation>() -> &'static str {
    O::ACTION
}

#[test]
fn actions_named_like_generated_items_get_their_own_modules() {
    use collisions::actions;
    assert_eq!(action::<actions::ok::Ok>(), "Ok");
    assert_eq!(action::<actions::err::Err>(), "Err");
    assert_eq!(action::<actions::some::Some>(), "Some");
    assert_eq!(action::<actions::none::None>(), "None");
    assert_eq!(action::<actions::self_::Self_>(), "Self");
    // `call` is a method of the client: the module gains `_`.
    assert_eq!(action::<actions::call_::Call>(), "Call");
    // In `actions`, nothing else is named `models`.
    assert_eq!(action::<actions::models::Models>(), "Models");
    assert_eq!(action::<actions::str::Str>(), "Str");
    assert_eq!(action::<s3::S3>(), "S3");
    assert_eq!(collisions::SERVICE.operations.len(), 10);
}
