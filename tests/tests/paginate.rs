//! The generated paginators, through the typed clients against servers on
//! 127.0.0.1 that page as the service does: every item once, the request
//! members as the caller set them, and a walk that stops at its bound;
//! then every paginated action of both services walked against the test
//! server (`tencentcloud-mock`), each over more items than two pages.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::collections::BTreeSet;
use std::fmt::Debug;

use serde_json::{Map, Value, json};
use tcmpp_tests::server::{Recorded, Reply, TestServer};
use tencentcloud_mock::{Answer, MockServer, MockServerBuilder};
use tencentcloud_runtime::credentials::Credentials;
use tencentcloud_runtime::operation::ServiceInfo;
use tencentcloud_runtime::paginate::{Paginated, Paginator};
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

// ---------------------------------------------------------------------------
// Every paginated action against the test server

/// Items asked for per page; each action is seeded with 2.5 pages' worth.
const PAGE: i64 = 4;
const ITEMS: usize = 10;
/// What the walks send for every required string member: seeded items
/// carry it in those members, so lists that filter by a parent keep them.
const PARENT: &str = "walk-parent";

struct Walks {
    mock: MockServer,
    service: ServiceInfo,
    walked: Vec<&'static str>,
    problems: Vec<String>,
}

/// `ITEMS` items shaped like `action`'s example item, item `i`'s top-level
/// strings `walk-item-i` (`1000 + i` where the example's are digits) and
/// integers `1000 + i` (so ids differ), and
/// every required string member the request sends set as it sends it.
fn walk_items(service: &ServiceInfo, action: &str) -> Vec<Value> {
    let op = service.operation(action).unwrap();
    let page = op.paginated.unwrap();
    let answer: Value = serde_json::from_str(op.example_response.unwrap()).unwrap();
    let template = page
        .items
        .split('.')
        .try_fold(&answer["Response"], |v, p| v.get(p))
        .and_then(|l| l.get(0))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    (0..ITEMS)
        .map(|i| {
            let mut item: Map<String, Value> = template
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        // Digits stay digits: such members may be typed
                        // (Unix seconds sent as text).
                        Value::String(t)
                            if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) =>
                        {
                            json!(format!("{}", 1000 + i))
                        }
                        Value::String(_) => json!(format!("walk-item-{i}")),
                        Value::Number(_) => json!(1000 + i),
                        other => other.clone(),
                    };
                    (k.clone(), v)
                })
                .collect();
            for p in op.request.iter().filter(|p| p.required) {
                if matches!(p.ty, tencentcloud_runtime::operation::ParamType::String) {
                    item.insert(p.name.to_owned(), json!(PARENT));
                }
            }
            Value::Object(item)
        })
        .collect()
}

/// The `walk-item-N` numbers in an item's debug form.
fn markers(item: &impl Debug) -> BTreeSet<usize> {
    let text = format!("{item:?}");
    text.split("walk-item-")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// Seeds `O`'s action, walks its pages through the typed paginator and
/// checks each item came exactly once, over the pages it should take.
async fn walk<O: Paginated>(w: &mut Walks, paginator: Paginator<O>)
where
    O::Item: Debug,
{
    let action = O::ACTION;
    let items = walk_items(&w.service, action);
    w.mock
        .seed_items(w.service.name, action, items)
        .unwrap_or_else(|e| panic!("{action}: {e}"));
    let before = w.mock.calls().len();
    let got = match paginator.items().collect().await {
        Ok(got) => got,
        Err(e) => {
            w.problems.push(format!("{action}: {e} ({:?})", e.code()));
            return;
        }
    };
    let mut seen = Vec::new();
    for item in &got {
        let m = markers(item);
        if m.len() != 1 {
            w.problems.push(format!(
                "{action}: an item names {m:?}, not one seeded item: {item:?}"
            ));
        }
        seen.extend(m);
    }
    seen.sort_unstable();
    if seen != (0..ITEMS).collect::<Vec<_>>() {
        w.problems.push(format!(
            "{action}: walked {seen:?}, not each of 0..{ITEMS} once"
        ));
    }
    let calls = w.mock.calls();
    let pages: Vec<&Value> = calls[before..].iter().map(|c| c.param("Offset")).collect();
    if pages != [&json!(0), &json!(4), &json!(8)] {
        w.problems
            .push(format!("{action}: pages at offsets {pages:?}, not 0, 4, 8"));
    }
    w.walked.push(action);
}

include!(concat!(env!("OUT_DIR"), "/every_paginated.rs"));

async fn walks(service: ServiceInfo) -> Walks {
    let mock = MockServerBuilder::new(service)
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    Walks {
        mock,
        service,
        walked: Vec::new(),
        problems: Vec::new(),
    }
}

#[tokio::test]
async fn every_paginated_action_of_both_services_walks_each_item_once() {
    let mut w = walks(tcmpp_api::SERVICE).await;
    let c = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(w.mock.endpoint())
        .credentials(w.mock.credentials())
        .rate_limit(RateLimit::Off)
        .build()
        .unwrap();
    walk_every_tcmpp_list(&mut w, &c).await;
    let mut s = walks(tcsas_api::SERVICE).await;
    let c = tcsas_api::Client::builder()
        .region("ap-singapore")
        .endpoint(s.mock.endpoint())
        .credentials(s.mock.credentials())
        .rate_limit(RateLimit::Off)
        .build()
        .unwrap();
    walk_every_tcsas_list(&mut s, &c).await;
    let problems: Vec<&String> = w.problems.iter().chain(&s.problems).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    // Every paginated action of each operations table, once.
    for walks in [&w, &s] {
        let paged: BTreeSet<&str> = walks
            .service
            .operations
            .iter()
            .filter(|o| o.paginated.is_some())
            .map(|o| o.action)
            .collect();
        let walked: BTreeSet<&str> = walks.walked.iter().copied().collect();
        assert_eq!(walked.len(), walks.walked.len());
        assert_eq!(walked, paged, "{}", walks.service.name);
    }
    assert_eq!((w.walked.len(), s.walked.len()), (21, 20));
}

/// Scripted pages that are always full and promise more: the walk stops
/// at its bound with a typed error, having asked for exactly that many.
#[tokio::test]
async fn scripted_pages_that_never_end_stop_at_the_bound() {
    let mock = MockServer::start().await.unwrap();
    let pages = (0..50).map(|n| {
        let list: Vec<Value> = (0..2)
            .map(|i| json!({"TeamId": format!("t{n}-{i}")}))
            .collect();
        Answer::ok(json!({"Data": {"TotalCount": 1000 + 10 * n, "DataList": list}}))
    });
    mock.script("DescribeTeamList", pages);
    let client = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .rate_limit(RateLimit::Off)
        .build()
        .unwrap();
    let error = client
        .describe_team_list()
        .platform_id(PARENT)
        .offset(0)
        .limit(2)
        .into_paginator()
        .max_pages(7)
        .items()
        .collect()
        .await
        .unwrap_err();
    let ErrorKind::Pagination(p) = error.kind() else {
        panic!("{error:?}");
    };
    assert_eq!((p.pages(), p.items()), (7, 14));
    assert_eq!(mock.handled("DescribeTeamList"), 7);
    mock.clear_scripts();
}
