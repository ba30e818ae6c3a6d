//! The least a service can have (`fixtures/bare.json`: one action without
//! members, no error codes, no documents; ai3d lists no code) generates,
//! compiles without warnings (clippy runs on this crate) and works.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use serde_json::json;
use tcmpp_tests::bare::actions::ping::{PingInput, PingResponseBody};
use tcmpp_tests::bare::{BareError, BareErrorKind};
use tencentcloud_runtime::__private::{BodyError, ResponseBody};
use tencentcloud_runtime::operation::ServiceError;

#[test]
fn a_service_without_error_codes_classifies_every_code_as_unhandled() {
    for code in ["", "FailedOperation", "InternalError"] {
        assert_eq!(BareErrorKind::from_code(code), BareErrorKind::Unhandled);
    }
    assert_eq!(BareErrorKind::Unhandled.code(), None);
    let meta = match serde_json::from_value::<PingResponseBody>(
        json!({"Error": {"Code": "InternalError", "Message": "m"}, "RequestId": "r"}),
    )
    .unwrap()
    .into_output()
    {
        Err(BodyError::Service(meta)) => meta,
        other => panic!("expected the service's error, got {other:?}"),
    };
    let err = BareError::from_metadata(meta);
    assert_eq!(
        (err.kind(), err.code(), err.request_id()),
        (BareErrorKind::Unhandled, "InternalError", Some("r"))
    );
}

#[test]
fn an_action_without_members_sends_an_empty_object_and_reads_the_request_id() {
    let input = PingInput::builder().build();
    assert_eq!(serde_json::to_value(&input).unwrap(), json!({}));
    let out = serde_json::from_value::<PingResponseBody>(json!({"RequestId": "r", "Extra": 1}))
        .unwrap()
        .into_output()
        .unwrap();
    assert_eq!(out.request_id, "r");
}
