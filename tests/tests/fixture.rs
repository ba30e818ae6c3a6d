//! The fixture's generated code, compiled by `build.rs`, behaves as the
//! format promises: wire names, optional members left out, tolerant
//! decoding, value sets that keep unknown values, typed errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use serde_json::json;
use tcmpp_api::__private::{BodyError, ResponseBody};
use tcmpp_api::ErrorMetadata;
use tcmpp_api::operation::{Operation, ServiceError};
use tcmpp_tests::fixture::list_widgets::{ListWidgets, ListWidgetsInput, ListWidgetsResponseBody};
use tcmpp_tests::fixture::models::{Color, Dimensions, Level, Part, Widget, WidgetSpec};
use tcmpp_tests::fixture::put_widget::{
    PutWidget, PutWidgetError, PutWidgetErrorKind, PutWidgetInput, PutWidgetOutput,
    PutWidgetResponseBody,
};

fn decode_put(body: serde_json::Value) -> Result<PutWidgetOutput, BodyError> {
    serde_json::from_value::<PutWidgetResponseBody>(body)
        .unwrap()
        .into_output()
}

#[test]
fn input_serializes_with_wire_names_and_without_unset_members() {
    let input = PutWidgetInput::builder()
        .name("gear")
        .count(3)
        .enabled(true)
        .tags(["a", "b"])
        .levels([Level::High, Level::from(9)])
        .color("DARK_BLUE")
        .type_("kind")
        .url_base("https://x")
        .spec(
            WidgetSpec::builder()
                .dimensions(Dimensions::builder().width(1.5).build())
                .build(),
        )
        .parts([Part::builder().name("p").build()])
        .build();
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({
            "Name": "gear", "Count": 3, "Enabled": true, "Tags": ["a", "b"], "Levels": [2, 9],
            "Color": "DARK_BLUE", "Type": "kind", "URLPrefix": "https://x",
            "Spec": {"Dimensions": {"Width": 1.5}}, "Parts": [{"Name": "p"}]
        })
    );
    assert_eq!(input.name(), "gear");
    assert_eq!(input.count(), 3);
    assert!(input.enabled());
    assert_eq!(input.tags(), Some(&["a".to_owned(), "b".to_owned()][..]));
    assert_eq!(input.color(), Some(&Color::DarkBlue));
    assert_eq!(input.serial(), None);
    assert_eq!(input.ratio(), None);

    // Setting then clearing an optional member leaves it out.
    let input = PutWidgetInput::builder()
        .ratio(0.5)
        .set_ratio(None)
        .name("n")
        .count(1)
        .enabled(false)
        .build();
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({"Name": "n", "Count": 1, "Enabled": false})
    );
}

#[test]
fn a_struct_without_required_members_builds_from_nothing() {
    let input = ListWidgetsInput::builder().build();
    assert_eq!(serde_json::to_value(&input).unwrap(), json!({}));
    let input = ListWidgetsInput::builder().limit(10u32).prefix("g").build();
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({"Prefix": "g", "Limit": 10})
    );
}

fn retry_safe<O: Operation>() -> bool {
    O::RETRY_SAFE
}

#[test]
fn operations_carry_the_spec_facts() {
    assert_eq!(PutWidget::ACTION, "PutWidget");
    assert!(
        !retry_safe::<PutWidget>(),
        "the spec marks PutWidget unsafe to retry"
    );
    assert_eq!(PutWidget::RATE_LIMIT_PER_SECOND, 5);
    assert!(retry_safe::<ListWidgets>());
    assert_eq!(tcmpp_tests::fixture::SERVICE.version, "2020-01-01");
    assert_eq!(tcmpp_tests::fixture::ACTIONS, &["ListWidgets", "PutWidget"]);
}

#[test]
fn output_decodes_nested_objects_and_value_sets() {
    let out = decode_put(json!({
        "Widget": {"Id": 7, "Name": "gear", "Dimensions": {"Width": 1.5, "Height": null},
                   "Color": "Red", "Level": 2, "Parts": [{"Name": "a", "Children": [{"Name": "b"}]}]},
        "Warnings": null,
        "RequestId": "req-1"
    }))
    .unwrap();
    assert_eq!(out.request_id, "req-1");
    assert_eq!(out.warnings, None);
    assert_eq!(out.revision, None);
    let w: &Widget = &out.widget;
    assert_eq!(w.id, 7);
    assert_eq!(w.name.as_deref(), Some("gear"));
    assert_eq!(w.dimensions.width, 1.5);
    assert_eq!(w.dimensions.height, None);
    assert_eq!(w.color, Some(Color::Red));
    assert_eq!(w.level, Some(Level::High));
    let parts = w.parts.as_ref().unwrap();
    assert_eq!(parts[0].children.as_ref().unwrap()[0].name, "b");
}

#[test]
fn decoding_tolerates_drifted_scalars_and_unknown_fields() {
    let out = decode_put(json!({
        "Widget": {"Id": "7", "Name": 12, "Dimensions": {"Width": "2", "Visible": 1}, "Level": "1",
                   "Color": "Green", "Shiny": true},
        "Warnings": ["w"],
        "Revision": 3.0,
        "Extra": {"anything": []},
        "RequestId": "req-2"
    }))
    .unwrap();
    assert_eq!(out.widget.id, 7);
    assert_eq!(out.widget.name.as_deref(), Some("12"));
    assert_eq!(out.widget.dimensions.width, 2.0);
    assert_eq!(out.widget.dimensions.visible, Some(true));
    assert_eq!(out.widget.level, Some(Level::Low));
    assert_eq!(out.widget.color, Some(Color::Unknown("Green".to_owned())));
    assert_eq!(out.revision, Some(3));
    assert_eq!(out.warnings, Some(vec!["w".to_owned()]));
    // Unknown values re-encode as they came.
    assert_eq!(
        serde_json::to_value(&out.widget.color).unwrap(),
        json!("Green")
    );
    assert_eq!(Level::from(9).as_i64(), 9);
    assert_eq!(Color::from("DARK_BLUE"), Color::DarkBlue);
    assert_eq!(Color::DarkBlue.to_string(), "DARK_BLUE");
}

#[test]
fn drift_beyond_tolerance_is_an_error() {
    let bad = json!({"Widget": {"Id": "seven", "Dimensions": {"Width": 1}}, "RequestId": "r"});
    assert!(serde_json::from_value::<PutWidgetResponseBody>(bad).is_err());
    let negative = json!({"Widget": {"Id": -1, "Dimensions": {"Width": 1}}, "RequestId": "r"});
    assert!(serde_json::from_value::<PutWidgetResponseBody>(negative).is_err());
}

#[test]
fn a_missing_required_member_is_named() {
    match decode_put(json!({"Warnings": [], "RequestId": "req-3"})) {
        Err(BodyError::Missing { member, request_id }) => {
            assert_eq!(member, "Widget");
            assert_eq!(request_id.as_deref(), Some("req-3"));
        }
        other => panic!("expected a missing member, got {other:?}"),
    }
    match decode_put(json!({"Widget": {"Id": 1, "Dimensions": {"Width": 1}}})) {
        Err(BodyError::Missing {
            member: "RequestId",
            request_id: None,
        }) => {}
        other => panic!("expected a missing RequestId, got {other:?}"),
    }
    // Inside an object, a missing non-null member fails decoding.
    let no_width = json!({"Widget": {"Id": 1, "Dimensions": {}}, "RequestId": "r"});
    assert!(serde_json::from_value::<PutWidgetResponseBody>(no_width).is_err());
}

#[test]
fn error_answers_become_typed_errors() {
    let meta = match decode_put(
        json!({"Error": {"Code": "LimitExceeded.WidgetQuota", "Message": "full"}, "RequestId": "req-4"}),
    ) {
        Err(BodyError::Service(meta)) => meta,
        other => panic!("expected a service error, got {other:?}"),
    };
    let err = PutWidgetError::from_metadata(meta);
    assert_eq!(err.kind(), PutWidgetErrorKind::TooManyWidgets);
    assert_eq!(err.code(), "LimitExceeded.WidgetQuota");
    assert_eq!(err.message(), "full");
    assert_eq!(err.request_id(), Some("req-4"));
    assert_eq!(
        err.to_string(),
        "LimitExceeded.WidgetQuota: full (request id req-4)"
    );

    let kinds = [
        (
            "FailedOperation.WidgetLocked",
            PutWidgetErrorKind::FailedOperationWidgetLocked,
        ),
        (
            "InvalidParameterValue.BadName",
            PutWidgetErrorKind::InvalidParameterValueBadName,
        ),
        ("InternalError", PutWidgetErrorKind::InternalError),
        (
            "AuthFailure.SignatureFailure",
            PutWidgetErrorKind::AuthFailureSignatureFailure,
        ),
        (
            "RequestLimitExceeded",
            PutWidgetErrorKind::RequestLimitExceeded,
        ),
        ("Brand.NewCode", PutWidgetErrorKind::Unhandled),
    ];
    for (code, kind) in kinds {
        let err = PutWidgetError::new(ErrorMetadata::new(code, "m"));
        assert_eq!(err.kind(), kind, "{code}");
        assert_eq!(err.code(), code, "the code is kept, also when unhandled");
        assert_eq!(
            kind.code(),
            if kind == PutWidgetErrorKind::Unhandled {
                None
            } else {
                Some(code)
            }
        );
    }
}

#[test]
fn list_outputs_accept_null_and_empty() {
    let decode = |v| {
        serde_json::from_value::<ListWidgetsResponseBody>(v)
            .unwrap()
            .into_output()
    };
    let out = decode(json!({"Widgets": null, "Total": "0", "RequestId": "r"})).unwrap();
    assert_eq!(out.widgets, None);
    assert_eq!(out.total, 0);
    let out = decode(json!({"Widgets": [], "Total": 0, "RequestId": "r"})).unwrap();
    assert_eq!(out.widgets, Some(vec![]));
}

#[test]
fn outputs_and_models_can_be_built_in_user_tests() {
    let widget = Widget::builder()
        .id(1u32)
        .dimensions(Dimensions::builder().width(1.0).build())
        .color(Color::Red)
        .build();
    let out = PutWidgetOutput::builder()
        .widget(widget.clone())
        .request_id("r")
        .revision(2)
        .build();
    assert_eq!(out.widget, widget);
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        json!({"Widget": {"Id": 1, "Dimensions": {"Width": 1.0}, "Color": "Red"}, "RequestId": "r", "Revision": 2})
    );
}
