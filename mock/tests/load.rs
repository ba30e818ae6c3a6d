//! The mock under load, like the service: each action's documented rate
//! limit enforced per `SecretId` and action over any rolling second; state
//! (created versions, the call log) bounded under a long run; idle and
//! slow connections closed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::{Duration, Instant};

use tcmpp_api::{Client, RateLimit, RetryConfig};
use tencentcloud_mock::{CallRecord, MockServer};

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

/// This process's resident set, in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_thousand_creates_leave_memory_bounded() {
    // Twice the call log and twenty times the store's cap: a leak of 2 KB
    // a request would pass the bound.
    const CREATES: usize = 20_000;
    const CLIENTS: usize = 4;
    const CAP: usize = 1_000;
    const LOG: usize = 10_000;
    let _serial = SERIAL.lock().await;
    let mock = MockServer::builder()
        .rate_limits(false)
        .max_versions_per_program(CAP)
        .call_log_capacity(LOG)
        .start()
        .await
        .unwrap();
    let seeded = mock.stored_versions();
    let client = Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimit::Off)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let before = rss();
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for k in 0..CLIENTS {
        let c = client.clone();
        set.spawn(async move {
            let (mut ok, mut limited) = (0usize, 0usize);
            for i in 0..CREATES / CLIENTS {
                let r = c
                    .create_mnp_version()
                    .mnp_id(MNP)
                    .mnp_version(format!("{k}.{i}.0"))
                    .file_url("https://files.example.com/a.zip")
                    .platform_id(PLATFORM)
                    .mnp_version_intro("load")
                    .send()
                    .await;
                match r {
                    Ok(_) => ok += 1,
                    Err(e) if e.code() == Some("LimitExceeded") => limited += 1,
                    Err(e) => panic!("{e}"),
                }
            }
            (ok, limited)
        });
    }
    let (mut ok, mut limited) = (0, 0);
    while let Some(r) = set.join_next().await {
        let (o, l) = r.unwrap();
        ok += o;
        limited += l;
    }
    let elapsed = started.elapsed();
    let after = rss();
    let growth = after.saturating_sub(before);
    eprintln!(
        "{CREATES} creates in {elapsed:?}: {ok} created, {limited} LimitExceeded; \
         RSS {} KiB -> {} KiB (+{} KiB); store {} versions; log {} calls",
        before / 1024,
        after / 1024,
        growth / 1024,
        mock.stored_versions(),
        mock.calls().len()
    );
    assert_eq!(ok, CAP);
    assert_eq!(limited, CREATES - CAP);
    assert_eq!(mock.stored_versions(), seeded + CAP);
    assert_eq!(mock.calls().len(), LOG);
    // How long it took is printed, not asserted: on a shared 2-core
    // machine 50,000 took from 34 s to 75 s for the same code.
    assert!(growth < 32 << 20, "RSS grew by {} KiB", growth / 1024);
}

#[tokio::test]
async fn the_call_log_keeps_action_names_short_and_no_unknown_ones_unauthenticated() {
    let mock = MockServer::start().await.unwrap();
    let long = "A".repeat(1_000);
    // No signature at all: rejected before authentication.
    let answer = reqwest::Client::new()
        .post(mock.endpoint())
        .header("content-type", "application/json")
        .header("x-tc-action", &long)
        .body("{}")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(answer.contains("AuthFailure"), "{answer}");
    let calls = mock.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].action, "");
    assert!(calls[0].code.as_deref().unwrap().starts_with("AuthFailure"));
    // Authenticated, a known action: kept.
    let client = Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .build()
        .unwrap();
    client
        .describe_mnp_all_stage_versions()
        .mnp_id(MNP)
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap();
    assert_eq!(mock.calls()[1].action, DESCRIBE);
    let calls = mock.calls();
    assert!(calls.iter().all(|c| c.action.len() <= 64), "{calls:?}");
}

/// Waits for the server to close `stream`; returns how long that took, or
/// `None` if it stayed open for `limit`.
async fn closed_within(stream: &mut tokio::net::TcpStream, limit: Duration) -> Option<Duration> {
    use tokio::io::AsyncReadExt;
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout_at(
            tokio::time::Instant::from_std(started + limit),
            stream.read(&mut buf),
        )
        .await
        {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn idle_and_slow_connections_are_closed() {
    use tokio::io::AsyncWriteExt;
    let mock = MockServer::builder()
        .idle_timeout(Duration::from_millis(500))
        .header_read_timeout(Duration::from_millis(1_500))
        .start()
        .await
        .unwrap();
    // Connected, nothing sent: closed after the idle timeout.
    let mut idle = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    let took = closed_within(&mut idle, Duration::from_secs(5))
        .await
        .expect("an idle connection stays open");
    assert!(took >= Duration::from_millis(450), "{took:?}");
    assert!(took < Duration::from_millis(1_400), "{took:?}");
    // Half a request head, then silence: closed by one timeout or the other.
    let mut slow = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    slow.write_all(b"POST / HTTP/1.1\r\nhost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let slow_took = closed_within(&mut slow, Duration::from_secs(5))
        .await
        .expect("a slow request head keeps the connection open");
    assert!(slow_took < Duration::from_millis(2_500), "{slow_took:?}");
    // A keep-alive connection after its answer (an unsigned request,
    // AuthFailure): closed once idle for the timeout.
    let mut kept = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    kept.write_all(
        b"POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}",
    )
    .await
    .unwrap();
    let after_answer = closed_within(&mut kept, Duration::from_secs(5))
        .await
        .expect("a kept-alive idle connection stays open");
    assert!(
        after_answer >= Duration::from_millis(450),
        "{after_answer:?}"
    );
    assert!(
        after_answer < Duration::from_millis(1_400),
        "{after_answer:?}"
    );
    assert_eq!(mock.calls().len(), 1);
    eprintln!(
        "idle closed after {took:?}, slow head after {slow_took:?}, kept-alive after {after_answer:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_idle_connections_do_not_stop_a_valid_request() {
    const IDLE: usize = 300;
    let mock = MockServer::start().await.unwrap();
    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        idle.push(tokio::net::TcpStream::connect(mock.addr()).await.unwrap());
    }
    let client = Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    client
        .describe_mnp_all_stage_versions()
        .mnp_id(MNP)
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "{took:?}");
    eprintln!("answered in {took:?} with {IDLE} idle connections open");
    drop(idle);
}
