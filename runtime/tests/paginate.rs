//! Paging against servers on 127.0.0.1: a walk gets every item exactly
//! once across pages, ends on the total or an empty page (not on a short
//! page), and stops at its bound with a typed error when the pages never
//! end. The action is written by hand here, as generated code writes one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tencentcloud_runtime::__private::{BodyError, ResponseBody};
use tencentcloud_runtime::credentials::Credentials;
use tencentcloud_runtime::operation::{Operation, ServiceError, ServiceInfo};
use tencentcloud_runtime::paginate::{Paginated, Paginator};
use tencentcloud_runtime::{
    Client, ClientBuilder, ErrorKind, ErrorMetadata, RateLimit, RetryConfig,
};

const SERVICE: ServiceInfo = ServiceInfo {
    name: "things",
    version: "2025-01-01",
    endpoint: "things.tencentcloudapi.com",
    signing_service: "things",
    client_id: "things-test/0",
    operations: &[],
};

struct ListThings;

#[derive(Serialize)]
struct ListThingsInput {
    #[serde(rename = "Offset")]
    offset: i64,
    #[serde(rename = "Limit", skip_serializing_if = "Option::is_none")]
    limit: Option<i64>,
}

#[derive(Debug, Default)]
struct ListThingsOutput {
    things: Option<Vec<u64>>,
    total: Option<u64>,
}

#[derive(Deserialize)]
struct Body {
    #[serde(rename = "Data")]
    data: Option<Data>,
    #[serde(rename = "Error")]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "DataList")]
    list: Option<Vec<u64>>,
    #[serde(rename = "TotalCount")]
    total: Option<u64>,
}

impl ResponseBody for Body {
    type Output = ListThingsOutput;
    fn into_output(self) -> Result<ListThingsOutput, BodyError> {
        if let Some(e) = self.error {
            let code = e["Code"].as_str().unwrap_or_default();
            return Err(BodyError::Service(ErrorMetadata::new(code, "refused")));
        }
        let data = self.data.unwrap_or(Data {
            list: None,
            total: None,
        });
        Ok(ListThingsOutput {
            things: data.list,
            total: data.total,
        })
    }
}

#[derive(Debug)]
struct ListThingsError(ErrorMetadata);

impl std::fmt::Display for ListThingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for ListThingsError {}

impl ServiceError for ListThingsError {
    fn from_metadata(metadata: ErrorMetadata) -> Self {
        ListThingsError(metadata)
    }
    fn metadata(&self) -> &ErrorMetadata {
        &self.0
    }
}

impl Operation for ListThings {
    const SERVICE: ServiceInfo = SERVICE;
    const ACTION: &'static str = "ListThings";
    const RETRY_SAFE: bool = true;
    const RATE_LIMIT_PER_SECOND: u32 = 20;
    type Input = ListThingsInput;
    type Output = ListThingsOutput;
    type Error = ListThingsError;
    type ResponseBody = Body;
}

impl Paginated for ListThings {
    type Item = u64;
    const DEFAULT_PAGE_SIZE: u64 = 10;
    fn with_page(_: &ListThingsInput, offset: u64, limit: u64) -> ListThingsInput {
        ListThingsInput {
            offset: offset as i64,
            limit: Some(limit as i64),
        }
    }
    fn offset(input: &ListThingsInput) -> u64 {
        input.offset.max(0) as u64
    }
    fn limit(input: &ListThingsInput) -> Option<u64> {
        input.limit.and_then(|l| u64::try_from(l).ok())
    }
    fn item_count(output: &ListThingsOutput) -> usize {
        output.things.as_ref().map_or(0, Vec::len)
    }
    fn take_items(output: &mut ListThingsOutput) -> Vec<u64> {
        output.things.take().unwrap_or_default()
    }
    fn total(output: &ListThingsOutput) -> Option<u64> {
        output.total
    }
}

/// What a server saw: each request's (Offset, Limit).
type Seen = Arc<Mutex<Vec<(i64, i64)>>>;

/// A server on 127.0.0.1 whose answer to (offset, limit) is `page`.
async fn server(page: fn(i64, i64) -> Value) -> (String, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let log = log.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let log = log.clone();
                    async move {
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        let params: Value = serde_json::from_slice(&body).unwrap();
                        let (offset, limit) = (
                            params["Offset"].as_i64().unwrap(),
                            params["Limit"].as_i64().unwrap(),
                        );
                        log.lock().unwrap().push((offset, limit));
                        let mut response = page(offset, limit);
                        response["RequestId"] = json!("req-1");
                        let bytes = serde_json::to_vec(&json!({ "Response": response })).unwrap();
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("content-type", "application/json")
                                .body(Full::new(Bytes::from(bytes)))
                                .unwrap(),
                        )
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, seen)
}

fn client(endpoint: &str) -> Client {
    ClientBuilder::<Client>::new(SERVICE)
        .region("ap-singapore")
        .endpoint(endpoint)
        .credentials(Credentials::new("AKIDpaging", "secret").unwrap())
        .rate_limit(RateLimit::Off)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

fn input(offset: i64, limit: Option<i64>) -> ListThingsInput {
    ListThingsInput { offset, limit }
}

/// 0..47, served as a real list is: `limit` items from `offset`, capped at
/// 7 a page whatever was asked (a service's own cap), with the total.
fn capped_list(offset: i64, limit: i64) -> Value {
    let end = (offset + limit.min(7)).min(47);
    let items: Vec<i64> = (offset..end.max(offset)).collect();
    json!({"Data": {"DataList": items, "TotalCount": 47}})
}

#[tokio::test]
async fn every_item_once_across_short_pages_ending_on_the_total() {
    let (url, seen) = server(capped_list).await;
    let items = Paginator::<ListThings>::new(client(&url), input(0, Some(10)))
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(items, (0..47).collect::<Vec<u64>>());
    // 7 a page (the server's cap): pages at 0, 7, ..., 42; the last one
    // reaches the total, so no empty page is asked for.
    let offsets: Vec<i64> = seen.lock().unwrap().iter().map(|s| s.0).collect();
    assert_eq!(offsets, [0, 7, 14, 21, 28, 35, 42]);
    assert!(seen.lock().unwrap().iter().all(|s| s.1 == 10));
}

#[tokio::test]
async fn pages_start_at_the_inputs_offset_with_its_size_or_the_default() {
    let (url, seen) = server(capped_list).await;
    let pages = Paginator::<ListThings>::new(client(&url), input(40, None))
        .pages()
        .collect()
        .await
        .unwrap();
    let counts: Vec<usize> = pages.iter().map(ListThings::item_count).collect();
    assert_eq!(counts, [7]);
    assert_eq!(*seen.lock().unwrap(), [(40, 10)]);

    let (url, seen) = server(capped_list).await;
    let walk = Paginator::<ListThings>::new(client(&url), input(0, Some(3))).page_size(5);
    assert_eq!(walk.items().collect().await.unwrap().len(), 47);
    assert_eq!(seen.lock().unwrap().len(), 10, "47 items, 5 a page");
}

/// Without a total, a walk ends on the first empty page.
#[tokio::test]
async fn without_a_total_an_empty_page_ends_the_walk() {
    let (url, seen) = server(|offset, limit| {
        let items: Vec<i64> = (offset..(offset + limit).min(25)).collect();
        json!({"Data": {"DataList": items}})
    })
    .await;
    let items = Paginator::<ListThings>::new(client(&url), input(0, Some(10)))
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 25);
    let offsets: Vec<i64> = seen.lock().unwrap().iter().map(|s| s.0).collect();
    assert_eq!(offsets, [0, 10, 20, 25]);
}

/// A server that ignores the offset (its total never reached) keeps a walk
/// going only until its bound, then the walk ends with a typed error
/// after delivering every page it fetched.
#[tokio::test]
async fn pages_that_never_end_stop_at_the_bound_with_an_error() {
    let (url, seen) =
        server(|_, _| json!({"Data": {"DataList": [1, 2, 3], "TotalCount": 1_000_000}})).await;
    let mut items = Paginator::<ListThings>::new(client(&url), input(0, Some(3)))
        .max_pages(5)
        .items();
    let mut got = 0;
    let error = loop {
        match items.next().await {
            Some(Ok(_)) => got += 1,
            Some(Err(e)) => break e,
            None => panic!("the walk ended without an error after {got} items"),
        }
    };
    assert_eq!(got, 15);
    assert_eq!(seen.lock().unwrap().len(), 5);
    let ErrorKind::Pagination(p) = error.kind() else {
        panic!("{error:?}");
    };
    assert_eq!((p.action(), p.pages(), p.items()), ("ListThings", 5, 15));
    assert!(
        error.to_string().contains("stopped after 5 pages"),
        "{error}"
    );
    assert!(items.next().await.is_none(), "the walk is over");
}

/// A page's error ends the walk, after the pages before it.
#[tokio::test]
async fn an_error_ends_the_walk() {
    let (url, _) = server(|offset, limit| {
        if offset >= 20 {
            json!({"Error": {"Code": "InternalError.Paging", "Message": "no"}})
        } else {
            capped_list(offset, limit)
        }
    })
    .await;
    let mut pages = Paginator::<ListThings>::new(client(&url), input(0, Some(10))).pages();
    let mut ok = 0;
    while let Some(page) = pages.next().await {
        match page {
            Ok(_) => ok += 1,
            Err(e) => {
                assert_eq!(e.code(), Some("InternalError.Paging"));
                break;
            }
        }
    }
    assert_eq!(ok, 3, "pages at 0, 7 and 14 came before the error");
    assert!(pages.next().await.is_none());
}
