//! Members the import typed from their documents: value sets (enums that
//! keep unknown values) and Unix times, in requests and answers, and the
//! slice accessors of lists in answers. What goes on the wire is the value
//! Tencent documents, whatever the Rust type.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic is a failed test

use bytes::Bytes;
use serde_json::{Value, json};
use tencentcloud_mock::MockServerBuilder;
use tencentcloud_runtime::time::UnixSeconds;

#[test]
fn value_set_request_members_serialise_their_wire_value() {
    use tcmpp_api::actions::configure_mnp_preview::ConfigureMnpPreviewInput;
    use tcmpp_api::actions::describe_global_domain_list::DescribeGlobalDomainListInput;
    use tcmpp_api::models::{ActionType, CreateGlobalDomainDomainType};

    let input = ConfigureMnpPreviewInput::builder()
        .mnp_id("mp1")
        .action_type(ActionType::Cancel)
        .mnp_version_id(3u32)
        .platform_id("p1")
        .build();
    let body = serde_json::to_value(&input).unwrap();
    assert_eq!(body["ActionType"], json!(2));
    // A value the crate does not name is sent as given.
    let input = ConfigureMnpPreviewInput::builder()
        .mnp_id("mp1")
        .action_type(7)
        .mnp_version_id(3u32)
        .platform_id("p1")
        .build();
    assert_eq!(
        serde_json::to_value(&input).unwrap()["ActionType"],
        json!(7)
    );
    assert!(matches!(input.action_type(), ActionType::Unknown(_)));
    assert_eq!(input.action_type().as_i64(), 7);

    // Lists of them too.
    let input = DescribeGlobalDomainListInput::builder()
        .platform_id("p1")
        .offset(0u32)
        .limit(10u32)
        .domain_types([
            CreateGlobalDomainDomainType::Blocked,
            CreateGlobalDomainDomainType::Allowed,
        ])
        .build();
    assert_eq!(
        serde_json::to_value(&input).unwrap()["DomainTypes"],
        json!([2, 1])
    );
}

#[test]
fn unix_seconds_request_members_go_out_as_integers() {
    use tcsas_api::actions::create_team::CreateTeamInput;
    use tcsas_api::models::CreateTeamTeamRoleType;

    let input = CreateTeamInput::builder()
        .team_name("t")
        .admin_user_id("u1")
        .team_role_type_list([CreateTeamTeamRoleType::MiniProgram])
        .expiry_time(1_764_322_807)
        .build();
    let body = serde_json::to_value(&input).unwrap();
    assert_eq!(body["ExpiryTime"], json!(1_764_322_807));
    assert_eq!(body["TeamRoleTypeList"], json!([1]));
    assert_eq!(
        input.expiry_time().map(|t| t.to_string()).as_deref(),
        Some("2025-11-28T09:40:07Z")
    );
}

/// The test server checks each parameter against the operations table:
/// a typed request with an enum and a Unix time is what it expects.
#[tokio::test]
async fn typed_requests_pass_the_test_servers_checks() {
    let mock = MockServerBuilder::new(tcsas_api::SERVICE)
        .start()
        .await
        .unwrap();
    let client = tcmpp_tests::builder_for::<tcsas_api::Client>(tcsas_api::SERVICE, mock.endpoint())
        .build()
        .unwrap();
    let out = client
        .create_team()
        .team_name("t")
        .admin_user_id("u1")
        .team_role_type_list([tcsas_api::models::CreateTeamTeamRoleType::Superapp])
        .expiry_time(UnixSeconds::new(1_764_322_807))
        .send()
        .await
        .unwrap();
    assert!(!out.request_id.is_empty());
    assert!(mock.calls().iter().all(|c| c.handled && c.code.is_none()));
}

#[test]
fn answers_read_enums_unix_times_and_lists_as_slices() {
    use tcmpp_api::actions::describe_mnp_version::DescribeMnpVersion;
    use tcmpp_api::actions::describe_role_list::DescribeRoleList;
    use tcmpp_api::models::{RoleType, TaskStatus};

    let decode = |body: Value| Bytes::from(serde_json::to_vec(&body).unwrap());
    let out = tencentcloud_runtime::__private::decode_response::<DescribeMnpVersion>(
        200,
        Some("application/json".to_owned()),
        decode(json!({"Response": {"RequestId": "r", "Data": {"TaskStatus": 20}}})),
    )
    .unwrap();
    assert_eq!(out.data.unwrap().task_status, Some(TaskStatus::Running));
    // An undocumented value is kept, and is not a documented one.
    let out = tencentcloud_runtime::__private::decode_response::<DescribeMnpVersion>(
        200,
        Some("application/json".to_owned()),
        decode(json!({"Response": {"RequestId": "r", "Data": {"TaskStatus": "45"}}})),
    )
    .unwrap();
    let status = out.data.unwrap().task_status.unwrap();
    assert_eq!(status.as_i64(), 45);
    assert!(!TaskStatus::KNOWN.contains(&status));

    let roles = |data: Value| {
        tencentcloud_runtime::__private::decode_response::<DescribeRoleList>(
            200,
            Some("application/json".to_owned()),
            decode(json!({"Response": {"RequestId": "r", "Data": data}})),
        )
        .unwrap()
        .data
        .unwrap()
    };
    let data = roles(json!({"TotalCount": 1, "DataList": [
        {"RoleType": 2, "CreateTime": "1717575381"},
        {"RoleType": 1, "CreateTime": ""}]}));
    let list = data.data_list();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].role_type, Some(RoleType::CustomRole));
    assert_eq!(list[0].create_time, Some(UnixSeconds::new(1_717_575_381)));
    assert_eq!(
        list[0].create_time.unwrap().to_string(),
        "2024-06-05T08:16:21Z"
    );
    // An empty string is no time.
    assert_eq!(list[1].create_time, None);
    // An absent list reads as an empty slice; the field says it was absent.
    let data = roles(json!({"TotalCount": 0}));
    assert!(data.data_list().is_empty());
    assert!(data.data_list.is_none());
}
