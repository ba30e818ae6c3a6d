//! One rate budget for a fleet of processes, measured at the server: every
//! process shares a real `redis-server` on 127.0.0.1 (`--rate-budget`), and
//! the server counts arrivals in every closed 1-second window.
//!
//! The tests need `redis-server` (Debian's, installed by `.ci/run`), so the
//! README's test command skips them (`#[ignore]`); CI runs them with
//! `cargo test -p tcmpp-cli --test fleet -- --ignored --skip fleet_worker --nocapture`.
//! Several processes of 100 concurrent calls are this file's own binary
//! run as [`fleet_worker`].

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::process::Stdio;
use std::time::{Duration, Instant};

use tcmpp_api::{Client, RetryConfig};
use tcmpp_tests::arrivals::{ArrivalReport, ArrivalServer, DelayProxy};
use tcmpp_tests::calls;
use tcmpp_tests::redis::{RedisServer, free_port};
use tencentcloud_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockServer};
use tencentcloud_redis_budget::RedisBudget;
use tokio::process::Command;

/// DescribeMNPAllStageVersions' documented limit per second.
const LIMIT: usize = 20;
/// The share each process keeps to while Redis fails (the budget's default).
const SHARE: usize = 5;

/// `tcmpp describe` against `endpoint`, signed with the mock's demo key
/// (one account for the whole fleet), with `budget` if given.
fn describe(endpoint: &str, budget: Option<&str>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcmpp"));
    cmd.args(["describe", "--endpoint", endpoint])
        .args(["--mnp-id", calls::MNP, "--platform-id", calls::PLATFORM])
        .env("TENCENTCLOUD_SECRET_ID", DEMO_SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", DEMO_SECRET_KEY)
        .env_remove("TCMPP_RATE_BUDGET")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(url) = budget {
        cmd.args(["--rate-budget", url]);
    }
    cmd
}

/// Starts `n` processes at once; their exit codes and stderr.
async fn run_all(mut commands: Vec<Command>) -> Vec<(bool, String)> {
    let children: Vec<_> = commands.iter_mut().map(|c| c.spawn().unwrap()).collect();
    let mut out = Vec::new();
    for child in children {
        let done = tokio::time::timeout(Duration::from_secs(90), child.wait_with_output())
            .await
            .expect("a process of the fleet hung")
            .unwrap();
        out.push((
            done.status.success(),
            String::from_utf8_lossy(&done.stderr).into_owned(),
        ));
    }
    out
}

/// The mock's arrivals of DescribeMNPAllStageVersions and how many it
/// refused for the rate.
fn arrivals(mock: &MockServer) -> (Vec<Instant>, usize) {
    let calls: Vec<_> = mock
        .calls()
        .into_iter()
        .filter(|c| c.action == "DescribeMNPAllStageVersions")
        .collect();
    let refused = calls
        .iter()
        .filter(|c| c.code.as_deref() == Some("RequestLimitExceeded"))
        .count();
    (calls.iter().map(|c| c.at).collect(), refused)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server: .ci/run installs it and runs this file"]
async fn a_hundred_tcmpp_processes_share_one_budget() {
    let redis = RedisServer::start().unwrap();

    // Without a shared budget: each process has a fresh one.
    let mock = MockServer::start().await.unwrap();
    let endpoint = mock.endpoint();
    let runs = run_all((0..100).map(|_| describe(&endpoint, None)).collect()).await;
    let (times, refused) = arrivals(&mock);
    let alone = ArrivalReport::new(&times);
    let failed = runs.iter().filter(|(ok, _)| !ok).count();
    println!(
        "without a shared budget: {alone}; {refused} answered RequestLimitExceeded (retried by \
         the client), {failed} of 100 processes failed"
    );
    assert!(
        alone.max_in_one_second > LIMIT,
        "100 processes on budgets of their own should burst past {LIMIT}/s: {alone}"
    );

    // With one budget in Redis.
    let mock = MockServer::start().await.unwrap();
    let endpoint = mock.endpoint();
    let url = redis.url();
    let runs = run_all((0..100).map(|_| describe(&endpoint, Some(&url))).collect()).await;
    let (times, refused) = arrivals(&mock);
    let shared = ArrivalReport::new(&times);
    println!("with the Redis budget: {shared}; {refused} answered RequestLimitExceeded");
    for (ok, stderr) in &runs {
        assert!(ok, "a process failed: {stderr}");
        assert!(
            !stderr.contains("Redis does not answer"),
            "fell back: {stderr}"
        );
    }
    assert_eq!(shared.count, 100, "one arrival per process: {shared}");
    assert_eq!(refused, 0, "{shared}");
    assert!(shared.max_in_one_second <= LIMIT, "{shared}");
}

/// One process of the fleet: `FLEET_CALLS` concurrent calls to
/// `FLEET_ENDPOINT` with the budget at `FLEET_BUDGET`, retries off (one
/// call, one arrival). Logs (the budget's fallback) go to stderr; fails if
/// any call fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a process the fleet tests start, not a test of its own"]
async fn fleet_worker() {
    let var = |name| {
        std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run by the fleet tests"))
    };
    let calls: usize = var("FLEET_CALLS").parse().unwrap();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .init();
    let budget = RedisBudget::new(&var("FLEET_BUDGET")).unwrap();
    let client = Client::builder()
        .endpoint(var("FLEET_ENDPOINT"))
        .region("ap-singapore")
        .credentials(tencentcloud_mock::demo_credentials())
        .retry(RetryConfig::disabled())
        .rate_budget(budget.clone())
        .build()
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let c = client.clone();
        tasks.spawn(async move {
            calls::describe(&c)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
    }
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done.unwrap() {
            failures.push(e);
        }
    }
    budget.flush().await;
    assert!(
        failures.is_empty(),
        "{} calls failed: {failures:?}",
        failures.len()
    );
}

/// `n` worker processes of `calls` calls each.
fn workers(n: usize, calls: usize, endpoint: &str, budget: &str) -> Vec<Command> {
    (0..n)
        .map(|_| {
            let mut cmd = Command::new(std::env::current_exe().unwrap());
            cmd.args([
                "--exact",
                "fleet_worker",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("FLEET_CALLS", calls.to_string())
            .env("FLEET_ENDPOINT", endpoint)
            .env("FLEET_BUDGET", budget)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
            cmd
        })
        .collect()
}

fn all_succeeded(runs: &[(bool, String)]) {
    for (ok, stderr) in runs {
        assert!(ok, "a worker failed: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server: .ci/run installs it and runs this file"]
async fn four_processes_over_slow_new_connections_share_one_budget() {
    let redis = RedisServer::start().unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let relay = DelayProxy::start(server.addr(), Duration::from_millis(300))
        .await
        .unwrap();
    let runs = run_all(workers(4, 100, &relay.url(), &redis.url())).await;
    let report = ArrivalReport::new(&server.arrivals());
    println!(
        "4 processes x 100 calls through a relay stalling {} new connections 300 ms: {report}",
        relay.connections()
    );
    all_succeeded(&runs);
    assert_eq!(report.count, 400);
    assert!(report.max_in_one_second <= LIMIT, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server: .ci/run installs it and runs this file"]
async fn redis_killed_and_restarted_mid_run_falls_back_and_comes_back() {
    let mut redis = RedisServer::start().unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let fleet = tokio::spawn(run_all(workers(4, 60, &server.url(), &redis.url())));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    redis.kill();
    let killed = Instant::now();
    tokio::time::sleep(Duration::from_millis(2000)).await;
    redis.restart().unwrap();
    let back = Instant::now();
    let runs = fleet.await.unwrap();
    let arrivals = server.arrivals();
    let report = ArrivalReport::new(&arrivals);
    let during = arrivals
        .iter()
        .filter(|t| **t > killed && **t < back)
        .count();
    println!(
        "4 processes x 60 calls, Redis killed for 2 s: {report}; {during} arrivals while it was down"
    );
    all_succeeded(&runs);
    assert_eq!(report.count, 240);
    // The documented bound while processes fall back: the limit plus each
    // falling-back process's share.
    assert!(report.max_in_one_second <= LIMIT + 4 * SHARE, "{report}");
    let fell_back = runs
        .iter()
        .filter(|(_, e)| e.contains("Redis does not answer"))
        .count();
    let came_back = runs
        .iter()
        .filter(|(_, e)| e.contains("Redis answers again"))
        .count();
    println!("{fell_back} workers logged the fallback, {came_back} the return");
    assert!(fell_back >= 1 && came_back >= 1, "{runs:?}");
    for (_, stderr) in &runs {
        assert!(
            stderr.matches("Redis does not answer").count() <= 1,
            "the fallback is said once per outage: {stderr}"
        );
    }
    assert!(during > 0, "calls went on while Redis was down");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server: .ci/run installs it and runs this file"]
async fn redis_absent_at_start_falls_back_to_a_share_each() {
    // A port nothing listens on.
    let nowhere = format!("redis://127.0.0.1:{}", free_port().unwrap());
    let server = ArrivalServer::start().await.unwrap();
    let runs = run_all(workers(4, 40, &server.url(), &nowhere)).await;
    let report = ArrivalReport::new(&server.arrivals());
    println!("4 processes x 40 calls, no Redis: {report}");
    all_succeeded(&runs);
    assert_eq!(report.count, 160);
    for (_, stderr) in &runs {
        assert_eq!(
            stderr.matches("Redis does not answer").count(),
            1,
            "each process says so once: {stderr}"
        );
    }
    assert!(report.max_in_one_second <= 4 * SHARE, "{report}");
}
