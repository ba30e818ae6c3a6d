//! The mock under load, like the service: each action's documented rate
//! limit enforced per `SecretId` and action over any rolling second.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::{Duration, Instant};

use tcmpp_api::mock::{CallRecord, MockServer};
use tcmpp_api::{Client, RateLimit, RetryConfig};

const MNP: &str = "mpg9yjc0qbpkelik";
const PLATFORM: &str = "T04257DS9431720WTAG";
const DESCRIBE: &str = "DescribeMNPAllStageVersions";
/// Its documented limit per second.
const LIMIT: usize = 20;
const CALLS: usize = 100;

/// One timing test at a time: on a small shared machine a neighbour's
/// burst is noise in the figures.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The most records in any closed window `[t, t + 1 s]` (arrival times
/// at the server).
fn max_in_any_second(calls: &[&CallRecord]) -> usize {
    let mut at: Vec<Instant> = calls.iter().map(|c| c.at).collect();
    at.sort_unstable();
    (0..at.len())
        .map(|i| {
            at[i..]
                .iter()
                .take_while(|&&t| t <= at[i] + Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

async fn burst(client: &Client) -> Vec<Result<(), Option<String>>> {
    let mut set = tokio::task::JoinSet::new();
    for i in 0..CALLS {
        let c = client.clone();
        set.spawn(async move {
            let r = c
                .describe_mnp_all_stage_versions()
                .mnp_id(MNP)
                .platform_id(PLATFORM)
                .send()
                .await;
            (i, r.map(|_| ()).map_err(|e| e.code().map(str::to_owned)))
        });
    }
    let mut out = vec![Ok(()); CALLS];
    while let Some(r) = set.join_next().await {
        let (i, r) = r.unwrap();
        out[i] = r;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_without_a_limiter_is_throttled_at_the_documented_limit() {
    let _serial = SERIAL.lock().await;
    let mock = MockServer::start().await.unwrap();
    let client = Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimit::Off)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let started = Instant::now();
    let results = burst(&client).await;
    let elapsed = started.elapsed();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let limited = results
        .iter()
        .filter(|r| matches!(r, Err(Some(code)) if code == "RequestLimitExceeded"))
        .count();
    assert_eq!(ok + limited, CALLS, "other failures: {results:?}");
    assert!(ok >= 1, "nothing got through");
    // All 100 arrive within a second or two: at most the limit per second
    // that they span.
    let seconds = elapsed.as_secs() as usize + 1;
    assert!(
        ok <= LIMIT * seconds,
        "{ok} successes in {elapsed:?} (limit {LIMIT}/s)"
    );
    let calls = mock.calls();
    let successes: Vec<&CallRecord> = calls
        .iter()
        .filter(|c| c.action == DESCRIBE && c.handled)
        .collect();
    assert_eq!(successes.len(), ok);
    let max = max_in_any_second(&successes);
    assert!(
        max <= LIMIT,
        "{max} successes in one rolling second at the server"
    );
    let throttled = calls
        .iter()
        .filter(|c| c.code.as_deref() == Some("RequestLimitExceeded"))
        .count();
    assert_eq!(throttled, limited);
    eprintln!(
        "burst of {CALLS} without a limiter: {ok} succeeded, {limited} RequestLimitExceeded, \
         max {max} successes in a rolling second, {elapsed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_limiter_gets_a_burst_through_unthrottled() {
    let _serial = SERIAL.lock().await;
    let mock = MockServer::start().await.unwrap();
    let client = Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let started = Instant::now();
    let results = burst(&client).await;
    let elapsed = started.elapsed();
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let calls = mock.calls();
    assert_eq!(calls.len(), CALLS, "every call at its first attempt");
    assert!(calls.iter().all(|c| c.code.is_none() && c.handled));
    let max = max_in_any_second(&calls.iter().collect::<Vec<_>>());
    assert!(max <= LIMIT);
    eprintln!(
        "burst of {CALLS} with the default limiter: all succeeded, max {max} in a rolling second, {elapsed:?}"
    );
}
