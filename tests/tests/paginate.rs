//! The generated paginators, through the typed clients against servers on
//! 127.0.0.1 that page as the service does: every item once, the request
//! members as the caller set them, and a walk that stops at its bound.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use serde_json::{Value, json};
use tcmpp_tests::server::{Recorded, Reply, TestServer};
use tencentcloud_runtime::credentials::Credentials;
use tencentcloud_runtime::{ErrorKind, RateLimit, RetryConfig};

/// Teams 0..n as DescribeTeamList pages them: `Limit` from `Offset`,
/// capped at 8 a page, with the total.
fn teams(n: i64) -> impl Fn(&Recorded) -> Reply {
    move |r: &Recorded| {
        let body = r.json();
        let (offset, limit) = (
            body["Offset"].as_i64().unwrap(),
            body["Limit"].as_i64().unwrap(),
        );
        let list: Vec<Value> = (offset..(offset + limit.min(8)).min(n))
            .map(|i| json!({"TeamId": format!("team-{i}"), "TeamName": format!("Team {i}")}))
            .collect();
        Reply::Json(json!({"Response": {
            "Data": {"TotalCount": n, "DataList": list},
            "RequestId": format!("req-{offset}"),
        }}))
    }
}

fn credentials() -> Credentials {
    Credentials::new("AKIDpaginator", "secret").unwrap()
}

#[tokio::test]
async fn a_tcmpp_list_walks_every_item_once() {
    let server = TestServer::start(teams(45)).await.unwrap();
    let client = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(server.url())
        .credentials(credentials())
        .rate_limit(RateLimit::Off)
        .build()
        .unwrap();
    let teams = client
        .describe_team_list()
        .platform_id("T04257DS9431720WTAG")
        .offset(0)
        .limit(10)
        .into_paginator()
        .items()
        .collect()
        .await
        .unwrap();
    let ids: Vec<String> = teams.into_iter().filter_map(|t| t.team_id).collect();
    assert_eq!(
        ids,
        (0..45).map(|i| format!("team-{i}")).collect::<Vec<_>>()
    );
    let requests = server.requests();
    let offsets: Vec<i64> = requests
        .iter()
        .map(|r| r.json()["Offset"].as_i64().unwrap())
        .collect();
    assert_eq!(offsets, [0, 8, 16, 24, 32, 40]);
    for r in &requests {
        assert_eq!(r.json()["PlatformId"], "T04257DS9431720WTAG");
        assert_eq!(r.json()["Limit"], 10);
        assert_eq!(r.header("x-tc-action"), "DescribeTeamList");
    }
}

#[tokio::test]
async fn a_tcsas_list_pages_from_the_requests_offset() {
    let server = TestServer::start(teams(30)).await.unwrap();
    let client = tcsas_api::Client::builder()
        .region("ap-singapore")
        .endpoint(server.url())
        .credentials(credentials())
        .rate_limit(RateLimit::Off)
        .build()
        .unwrap();
    let mut pages = client
        .describe_team_list()
        .platform_id("T04257DS9431720WTAG")
        .offset(20)
        .limit(5)
        .into_paginator()
        .pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.data.as_ref().and_then(|d| d.total_count), Some(30));
        sizes.push(page.data.and_then(|d| d.data_list).map_or(0, |l| l.len()));
    }
    assert_eq!(sizes, [5, 5]);
    assert_eq!(server.requests()[0].header("x-tc-version"), "2025-01-06");
}

/// A server whose total is never reached (it ignores the offset) is
/// walked only to the bound, then the walk ends with a typed error.
#[tokio::test]
async fn pages_that_never_end_stop_at_the_bound() {
    let server = TestServer::start(|_: &Recorded| {
        Reply::Json(json!({"Response": {
            "Data": {"TotalCount": 1_000_000, "DataList": [{"TeamId": "same"}]},
            "RequestId": "req",
        }}))
    })
    .await
    .unwrap();
    let client = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(server.url())
        .credentials(credentials())
        .rate_limit(RateLimit::Off)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let result = client
        .describe_team_list()
        .platform_id("p")
        .offset(0)
        .limit(1)
        .into_paginator()
        .max_pages(12)
        .items()
        .collect()
        .await;
    let error = result.unwrap_err();
    let ErrorKind::Pagination(p) = error.kind() else {
        panic!("{error:?}");
    };
    assert_eq!(
        (p.action(), p.pages(), p.items()),
        ("DescribeTeamList", 12, 12)
    );
    assert_eq!(server.requests().len(), 12);
}
