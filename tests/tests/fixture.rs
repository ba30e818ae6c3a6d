//! The fixture's generated code, compiled by `build.rs`, behaves as the
//! format promises: wire names, optional members left out, tolerant
//! decoding, value sets that keep unknown values, typed errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use serde_json::json;
use tcmpp_api::ErrorMetadata;
use tcmpp_tests::fixture::actions::list_widgets::{
    ListWidgets, ListWidgetsInput, ListWidgetsResponseBody,
};
use tcmpp_tests::fixture::actions::put_widget::{
    PutWidget, PutWidgetError, PutWidgetErrorKind, PutWidgetInput, PutWidgetOutput,
    PutWidgetResponseBody,
};
use tcmpp_tests::fixture::models::{Color, Dimensions, Level, Part, Widget, WidgetSpec};
use tencentcloud_runtime::__private::{BodyError, ResponseBody};
use tencentcloud_runtime::operation::{Operation, ServiceError};

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
    let actions: Vec<&str> = tcmpp_tests::fixture::SERVICE
        .operations
        .iter()
        .map(|o| o.action)
        .collect();
    assert_eq!(actions, ["ListWidgets", "PutWidget"]);
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
    let w: &Widget = out.widget.as_ref().unwrap();
    assert_eq!(w.id, Some(7));
    assert_eq!(w.name.as_deref(), Some("gear"));
    let dimensions = w.dimensions.as_ref().unwrap();
    assert_eq!(dimensions.width, Some(1.5));
    assert_eq!(dimensions.height, None);
    assert_eq!(w.color, Some(Color::Red));
    assert_eq!(w.level, Some(Level::High));
    let parts = w.parts.as_ref().unwrap();
    assert_eq!(
        parts[0].children.as_ref().unwrap()[0].name.as_deref(),
        Some("b")
    );
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
    let widget = out.widget.as_ref().unwrap();
    assert_eq!(widget.id, Some(7));
    assert_eq!(widget.name.as_deref(), Some("12"));
    let dimensions = widget.dimensions.as_ref().unwrap();
    assert_eq!(dimensions.width, Some(2.0));
    assert_eq!(dimensions.visible, Some(true));
    assert_eq!(widget.level, Some(Level::Low));
    assert_eq!(widget.color, Some(Color::from("Green")));
    assert!(matches!(widget.color, Some(Color::Unknown(_))));
    assert_eq!(out.revision, Some(3));
    assert_eq!(out.warnings, Some(vec!["w".to_owned()]));
    // Unknown values re-encode as they came.
    assert_eq!(serde_json::to_value(&widget.color).unwrap(), json!("Green"));
    assert_eq!(Level::from(9).as_i64(), 9);
    assert_eq!(Color::from("DARK_BLUE"), Color::DarkBlue);
    assert_eq!(Color::DarkBlue.to_string(), "DARK_BLUE");
}

#[test]
fn unknown_values_keep_their_raw_value_through_decode_and_reencode() {
    let out = decode_put(json!({
        "Widget": {"Color": "Green", "Level": 5},
        "RequestId": "req-1"
    }))
    .unwrap();
    let widget = out.widget.unwrap();
    let (color, level) = (widget.color.unwrap(), widget.level.unwrap());
    assert!(matches!(color, Color::Unknown(_)));
    assert!(matches!(level, Level::Unknown(_)));
    // The raw value is read through the enum.
    assert_eq!(color.as_str(), "Green");
    assert_eq!(level.as_i64(), 5);
    assert_eq!(
        (color.to_string(), level.to_string()),
        ("Green".into(), "5".into())
    );
    // Re-encoded as sent, alone and inside an input sent back.
    assert_eq!(serde_json::to_value(&color).unwrap(), json!("Green"));
    assert_eq!(serde_json::to_value(level).unwrap(), json!(5));
    let input = PutWidgetInput::builder()
        .name("n")
        .count(1)
        .enabled(true)
        .color(color.clone())
        .levels([level, Level::Low])
        .build();
    let sent = serde_json::to_value(&input).unwrap();
    assert_eq!(
        (&sent["Color"], &sent["Levels"]),
        (&json!("Green"), &json!([5, 1]))
    );
    // Decoding what was sent gives the same values back.
    assert_eq!(
        serde_json::from_value::<Color>(sent["Color"].clone()).unwrap(),
        color
    );
    assert_eq!(
        serde_json::from_value::<Vec<Level>>(sent["Levels"].clone()).unwrap(),
        [level, Level::Low]
    );

    // Equal to the same raw value made through `From`, whatever the source;
    // never to a documented value, which `From` always names.
    assert_eq!(color, Color::from("Green"));
    assert_eq!(color, Color::from("Green".to_owned()));
    assert_ne!(color, Color::from("Blue"));
    assert_eq!(level, Level::from(5));
    assert_ne!(level, Level::from(6));
    for known in Color::KNOWN {
        assert_ne!(&color, known);
        assert_eq!(&Color::from(known.as_str()), known);
        assert_eq!(&Color::from(known.as_str().to_owned()), known);
    }
    for known in Level::KNOWN {
        assert_ne!(&level, known);
        assert_eq!(&Level::from(known.as_i64()), known);
    }
}

#[test]
fn drift_beyond_tolerance_is_an_error() {
    let bad = json!({"Widget": {"Id": "seven", "Dimensions": {"Width": 1}}, "RequestId": "r"});
    assert!(serde_json::from_value::<PutWidgetResponseBody>(bad).is_err());
    let negative = json!({"Widget": {"Id": -1, "Dimensions": {"Width": 1}}, "RequestId": "r"});
    assert!(serde_json::from_value::<PutWidgetResponseBody>(negative).is_err());
}

/// Tencent's own answers omit members its descriptions call always
/// present: only the `RequestId` is required of an answer.
#[test]
fn answers_need_only_a_request_id() {
    let out = decode_put(json!({"Warnings": [], "RequestId": "req-3"})).unwrap();
    assert_eq!((out.widget, out.request_id.as_str()), (None, "req-3"));
    match decode_put(json!({"Widget": {"Id": 1, "Dimensions": {"Width": 1}}})) {
        Err(BodyError::Missing {
            member: "RequestId",
            request_id: None,
        }) => {}
        other => panic!("expected a missing RequestId, got {other:?}"),
    }
    // Inside an object too.
    let out = decode_put(json!({"Widget": {"Dimensions": {}}, "RequestId": "r"})).unwrap();
    let dimensions = out.widget.unwrap().dimensions.unwrap();
    assert_eq!(dimensions.width, None);
}

/// Some services write an absent object as a zero (CreateDomain answers
/// `"Data": 0`): read as absent. Any other scalar is still an error.
#[test]
fn a_zero_where_an_object_is_described_is_an_absent_object() {
    for zero in [json!(0), json!(""), json!(false), json!(null)] {
        let out = decode_put(json!({"Widget": zero.clone(), "RequestId": "r"})).unwrap();
        assert_eq!(out.widget, None, "{zero}");
        let nested = json!({"Widget": {"Dimensions": zero}, "RequestId": "r"});
        let out = decode_put(nested).unwrap();
        assert_eq!(out.widget.unwrap().dimensions, None);
    }
    for not_zero in [json!(1), json!("x"), json!(true), json!([])] {
        let bad = json!({"Widget": not_zero, "RequestId": "r"});
        assert!(serde_json::from_value::<PutWidgetResponseBody>(bad).is_err());
    }
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
    assert_eq!(out.total, Some(0));
    let out = decode(json!({"Widgets": [], "Total": 0, "RequestId": "r"})).unwrap();
    assert_eq!(out.widgets, Some(vec![]));
}

#[test]
fn outputs_and_models_can_be_built_in_user_tests() {
    // What only answers carry starts from `Default`, fields set by hand.
    let mut dimensions = Dimensions::default();
    dimensions.width = Some(1.0);
    let mut widget = Widget::default();
    widget.id = Some(1);
    widget.dimensions = Some(dimensions);
    widget.color = Some(Color::Red);
    let mut out = PutWidgetOutput::default();
    out.widget = Some(widget.clone());
    out.request_id = "r".to_owned();
    out.revision = Some(2);
    assert_eq!(out.widget.as_ref(), Some(&widget));
    assert_eq!((out.revision, out.request_id.as_str()), (Some(2), "r"));
    // What a user builds equals what the client decodes.
    let decoded = decode_put(json!({
        "Widget": {"Id": 1, "Dimensions": {"Width": 1.0}, "Color": "Red"}, "RequestId": "r", "Revision": 2
    }))
    .unwrap();
    assert_eq!(decoded, out);
}

/// Objects that contain themselves, directly or through another object,
/// are boxed; date and time members keep their text in types that say so.
#[test]
fn recursive_objects_and_date_members_decode() {
    let out = decode_put(json!({
        "Widget": {
            "CreatedAt": "2024-08-20 06:10:43", "UpdatedAt": "2024-08-20T14:10:43+08:00",
            "Days": ["2024-08-20"],
            "Parts": [{"Name": "wheel", "Parent": {"Name": "axle", "Parent": {"Name": "car"}},
                       "Link": {"Label": "spare", "To": {"Name": "tyre"}}}]
        },
        "RequestId": "r"
    }))
    .unwrap();
    let w = out.widget.unwrap();
    let part = &w.parts.as_ref().unwrap()[0];
    let parent: &tcmpp_tests::fixture::models::Part = part.parent.as_deref().unwrap();
    assert_eq!(parent.name.as_deref(), Some("axle"));
    assert_eq!(
        parent.parent.as_ref().and_then(|p| p.name.as_deref()),
        Some("car")
    );
    let link = part.link.as_ref().unwrap();
    assert_eq!(
        link.to.as_ref().and_then(|p| p.name.as_deref()),
        Some("tyre")
    );
    let created: &tcmpp_api::time::DateTime = w.created_at.as_ref().unwrap();
    assert_eq!(created.as_str(), "2024-08-20 06:10:43");
    assert_eq!(created.parts().map(|p| p.hour), Some(6));
    let updated = w.updated_at.as_ref().unwrap();
    assert_eq!(updated.unix_seconds(), Some(1_724_134_243));
    assert_eq!(w.days.unwrap()[0].parts(), Some((2024, 8, 20)));

    // Built by hand, the boxed member takes the plain object.
    let built = tcmpp_tests::fixture::models::Part::builder()
        .name("a")
        .parent(
            tcmpp_tests::fixture::models::Part::builder()
                .name("b")
                .build(),
        )
        .build();
    assert_eq!(
        built.parent.as_ref().and_then(|p| p.name.as_deref()),
        Some("b")
    );
}

/// Tencent's services send booleans as 0 and 1 (and some as text): each
/// reads as the boolean it stands for; other numbers are still errors.
#[test]
fn booleans_sent_as_0_or_1_decode() {
    let visible = |v: serde_json::Value| {
        let body = json!({"Widget": {"Dimensions": {"Visible": v}}, "RequestId": "r"});
        decode_put(body).map(|out| out.widget.unwrap().dimensions.unwrap().visible)
    };
    for (sent, read) in [
        (json!(0), false),
        (json!(1), true),
        (json!("0"), false),
        (json!("1"), true),
        (json!("false"), false),
        (json!("true"), true),
        (json!(false), false),
        (json!(true), true),
    ] {
        assert_eq!(visible(sent.clone()).unwrap(), Some(read), "{sent}");
    }
    for bad in [json!(2), json!(-1), json!("yes"), json!(0.5)] {
        let body = json!({"Widget": {"Dimensions": {"Visible": bad}}, "RequestId": "r"});
        assert!(
            serde_json::from_value::<PutWidgetResponseBody>(body).is_err(),
            "{bad}"
        );
    }
}

/// The generator accepts an example answer only if the client reads it:
/// every example of `full.json` decodes, drifted scalars (a number for a
/// string, text for a number, 0 for false, a whole float for an integer)
/// included, and an error example is the service's error.
#[test]
fn every_example_answer_the_generator_accepts_decodes() {
    let text =
        std::fs::read_to_string(tcmpp_tests::workspace_root().join("tests/fixtures/full.json"))
            .unwrap();
    let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut decoded = 0;
    for (action, a) in spec["actions"].as_object().unwrap() {
        for example in a["examples"].as_array().into_iter().flatten() {
            let answer = example["response"]["Response"].clone();
            let is_error = answer.get("Error").is_some();
            let result = match action.as_str() {
                "PutWidget" => decode_put(answer).map(drop),
                "ListWidgets" => serde_json::from_value::<ListWidgetsResponseBody>(answer)
                    .unwrap()
                    .into_output()
                    .map(drop),
                other => panic!("no decoder for {other}"),
            };
            match result {
                Ok(()) => assert!(!is_error, "{action}: {example}"),
                Err(BodyError::Service(_)) => assert!(is_error, "{action}: {example}"),
                Err(e) => panic!("{action}: {e:?}: {example}"),
            }
            decoded += 1;
        }
    }
    assert_eq!(decoded, 4);

    let drifted = &spec["actions"]["PutWidget"]["examples"][1]["response"]["Response"];
    let out = decode_put(drifted.clone()).unwrap();
    let widget = out.widget.unwrap();
    assert_eq!(widget.id, Some(7));
    assert_eq!(widget.name.as_deref(), Some("12"));
    assert_eq!(widget.level, Some(Level::High));
    assert_eq!(widget.created_at.unwrap().as_str(), "20240820");
    let dimensions = widget.dimensions.unwrap();
    assert_eq!(
        (dimensions.width, dimensions.visible),
        (Some(1.5), Some(false))
    );
    assert_eq!(out.revision, Some(3));
}
