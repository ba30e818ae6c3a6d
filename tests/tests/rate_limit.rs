//! The README's promise, measured where the service measures it: each
//! action's documented limit (20/s for DescribeMNPAllStageVersions) is never
//! exceeded in any rolling second *at the server*, whatever stalls between
//! the limiter and the wire (a slow first credentials fetch, a role refresh,
//! slow new connections) and however many `Client` values share the key.
//!
//! Every test fires 100 concurrent calls, then counts the request heads the
//! server received in every closed 1-second window (`t0 <= t <= t0 + 1 s`,
//! the strict reading), and checks that every call succeeded at its first
//! attempt (retries are off, so one call is one arrival).
//!
//! At most two tests run at once (`SERIAL`): they measure timing, and on a
//! small shared machine a crowd of neighbours is noise in the figures; two
//! (100 calls each over 4 to 9 s, mostly waiting) are not, and halve the
//! file's minute of wall time. Each uses its own key (secret id) and its
//! own server, so a limiter shared by key or by endpoint never couples two
//! tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tcmpp_api::{Client, RateLimit, RateLimitScope, RetryConfig};
use tcmpp_tests::arrivals::{
    ArrivalReport, ArrivalServer, DelayProxy, Pacer, StallingCredentials, max_in_any_window,
};

const MNP: &str = "mpg9yjc0qbpkelik";
const PLATFORM: &str = "T04257DS9431720WTAG";
/// Calls per test.
const CALLS: usize = 100;
/// DescribeMNPAllStageVersions' documented limit per second.
const LIMIT: usize = 20;
/// The whole load must finish within this (a correct limiter needs about
/// 4.2 s for 100 calls, plus the stall under test: 9.2 s at most).
const DEADLINE: Duration = Duration::from_secs(18);
/// New connections through the proxy cost this (a TLS handshake to a far
/// region).
const CONNECT_DELAY: Duration = Duration::from_millis(300);

/// Two timing tests at a time (see the module docs).
static SERIAL: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

fn client(endpoint: &str, credentials: &StallingCredentials) -> Client {
    Client::builder()
        .region("ap-singapore")
        .endpoint(endpoint)
        .credentials(credentials.clone())
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimit::FromSpec)
        .build()
        .unwrap()
}

async fn describe(c: &Client) -> Result<(), String> {
    c.describe_mnp_all_stage_versions()
        .mnp_id(MNP)
        .platform_id(PLATFORM)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| format!("{e} ({e:?})"))
}

/// How the calls ended.
struct Outcome {
    ok: usize,
    first_error: Option<String>,
    elapsed: Duration,
}

/// Spawns `CALLS` tasks at once, the i-th running `call(i)`, and waits for
/// all of them, at most `DEADLINE` (then the rest are aborted and the test
/// fails).
async fn fire<F, Fut>(call: F) -> Outcome
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let started = Instant::now();
    let mut handles: Vec<_> = (0..CALLS).map(|i| tokio::spawn(call(i))).collect();
    let mut results = Vec::with_capacity(CALLS);
    let all = tokio::time::timeout(DEADLINE, async {
        for h in handles.iter_mut() {
            results.push(h.await.unwrap_or_else(|e| Err(format!("task failed: {e}"))));
        }
    })
    .await;
    if all.is_err() {
        for h in &handles {
            h.abort();
        }
        panic!(
            "{} of {CALLS} calls still running after {DEADLINE:?}",
            CALLS - results.len()
        );
    }
    Outcome {
        ok: results.iter().filter(|r| r.is_ok()).count(),
        first_error: results.into_iter().find_map(Result::err),
        elapsed: started.elapsed(),
    }
}

/// 100 calls from one `Client` value (shared, not cloned).
async fn fire_one_client(c: Client) -> Outcome {
    let c = Arc::new(c);
    fire(|_| {
        let c = c.clone();
        async move { describe(&c).await }
    })
    .await
}

/// Call i goes through `clients[i % len]` (a clone of it, as a task needs).
async fn fire_spread(clients: &[Client]) -> Outcome {
    fire(|i| {
        let c = clients[i % clients.len()].clone();
        async move { describe(&c).await }
    })
    .await
}

/// Prints the figures and fails unless the server never saw more than the
/// limit in a closed second and every call succeeded with one arrival.
fn verdict(label: &str, server: &ArrivalServer, outcome: &Outcome) -> ArrivalReport {
    let arrivals = server.arrivals();
    let report = ArrivalReport::new(&arrivals);
    eprintln!(
        "{label}: {report}; {}/{CALLS} calls succeeded, load took {} ms, {} connections at the server",
        outcome.ok,
        outcome.elapsed.as_millis(),
        server.connections(),
    );
    let worst = max_in_any_window(&arrivals, Duration::from_secs(1));
    let mut problems = Vec::new();
    if worst > LIMIT {
        problems.push(format!(
            "{worst} requests arrived within one closed second (limit {LIMIT})"
        ));
    }
    if outcome.ok != CALLS {
        problems.push(format!(
            "{} of {CALLS} calls failed, first: {}",
            CALLS - outcome.ok,
            outcome.first_error.as_deref().unwrap_or("?")
        ));
    }
    if arrivals.len() != CALLS {
        problems.push(format!(
            "{} arrivals for {CALLS} single-attempt calls",
            arrivals.len()
        ));
    }
    assert!(
        problems.is_empty(),
        "{label}: {}\n  server saw: {report}",
        problems.join("; ")
    );
    report
}

/// A first credentials fetch of 100 ms: slots taken before it are spent
/// while the requests wait, and arrive together with the next second's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100ms_first_credentials_fetch_does_not_bunch_arrivals() {
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let creds =
        StallingCredentials::slow_first("AKIDarrivalsFirst100ms", Duration::from_millis(100));
    let outcome = fire_one_client(client(&server.url(), &creds)).await;
    verdict("first fetch 100 ms, one client", &server, &outcome);
}

/// A first credentials fetch of 5 s (a metadata service that is slow to
/// answer): every slot of five seconds is taken meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5s_first_credentials_fetch_does_not_bunch_arrivals() {
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let creds = StallingCredentials::slow_first("AKIDarrivalsFirst5sOne", Duration::from_secs(5));
    let outcome = fire_one_client(client(&server.url(), &creds)).await;
    verdict("first fetch 5 s, one client", &server, &outcome);
}

/// The same through clones of one client (which share its limiter).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5s_first_credentials_fetch_does_not_bunch_arrivals_across_clones() {
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let creds =
        StallingCredentials::slow_first("AKIDarrivalsFirst5sClones", Duration::from_secs(5));
    let c = client(&server.url(), &creds);
    let clones: Vec<Client> = (0..10).map(|_| c.clone()).collect();
    let outcome = fire_spread(&clones).await;
    verdict("first fetch 5 s, ten clones", &server, &outcome);
}

/// A role refresh of 4 s on the 30th fetch, in the second wave. Only a
/// test of the stall while the client asks its provider per attempt (it
/// does today); if it caches credentials itself the stall never happens,
/// which is reported, and the test is then the no-stall case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4s_role_refresh_mid_run_does_not_bunch_arrivals() {
    const REFRESH_ON: usize = 30;
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let creds = StallingCredentials::stalling_on(
        "AKIDarrivalsRefresh4s",
        REFRESH_ON,
        Duration::from_secs(4),
    );
    let outcome = fire_one_client(client(&server.url(), &creds)).await;
    if creds.fetches() < REFRESH_ON {
        eprintln!(
            "role refresh: not exercised, the client fetched credentials {} times (stall was on fetch {REFRESH_ON})",
            creds.fetches()
        );
    }
    verdict("4 s refresh on fetch 30, one client", &server, &outcome);
}

/// New connections cost 300 ms: the first wave's slots are spent while it
/// connects, the second wave reuses its connections and arrives at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_new_connections_do_not_bunch_arrivals() {
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let proxy = DelayProxy::start(server.addr(), CONNECT_DELAY)
        .await
        .unwrap();
    let creds = StallingCredentials::fast("AKIDarrivalsProxyOne");
    let outcome = fire_one_client(client(&proxy.url(), &creds)).await;
    verdict("connections 300 ms, one client", &server, &outcome);
    assert!(proxy.connections() > 0, "the calls went through the proxy");
}

/// Five clients built separately with the same endpoint, region and key
/// are the same account to the service: 20/s in all, not 20/s each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_separately_built_clients_share_the_limit() {
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let creds = StallingCredentials::fast("AKIDarrivalsFiveClients");
    let clients: Vec<Client> = (0..5).map(|_| client(&server.url(), &creds)).collect();
    let outcome = fire_spread(&clients).await;
    verdict("five clients", &server, &outcome);
}

/// The same through the 300 ms proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_separately_built_clients_share_the_limit_over_slow_connections() {
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let proxy = DelayProxy::start(server.addr(), CONNECT_DELAY)
        .await
        .unwrap();
    let creds = StallingCredentials::fast("AKIDarrivalsFiveClientsProxy");
    let clients: Vec<Client> = (0..5).map(|_| client(&proxy.url(), &creds)).collect();
    let outcome = fire_spread(&clients).await;
    verdict("five clients, connections 300 ms", &server, &outcome);
    assert!(proxy.connections() > 0, "the calls went through the proxy");
}

/// With nothing stalling, the limit is also not a brake: 100 calls go at
/// 20/s within 10%, measured at the server as (arrivals - 1) / (last - first).
///
/// Why this holds on a noisy machine: noise only ever delays, and delaying
/// the *first* arrival raises the measured rate; only a late *last* arrival
/// lowers it. 18/s allows a span of 99 / 18 = 5.5 s. Today's limiter (a
/// burst of 20, then 20 per 1.05 s) spans 4.2 s, so the last arrival may be
/// 1.3 s late; a limiter that instead spaced calls evenly at 1.05 s per 20
/// would span 5.2 s and leave only 0.3 s, which a loaded 2-core machine can
/// eat. If that is the design that lands and this flakes, the rate belongs
/// in a benchmark (`BENCHMARKS.md`), and this test should keep only a loose
/// bound (say >= 10/s) that catches a limiter serialising calls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_stalls_the_limit_is_kept_and_reached() {
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let creds = StallingCredentials::fast("AKIDarrivalsThroughput");
    let outcome = fire_one_client(client(&server.url(), &creds)).await;
    let report = verdict("no stall, one client", &server, &outcome);
    assert!(
        report.rate >= 18.0,
        "100 calls should go at 20/s within 10%, went at {:.1}/s: {report}",
        report.rate
    );
}

/// The control: the measurement is not too strict to pass. With the
/// client's limiter off and a limiter that is right by construction
/// ([`Pacer`]) around each call, the worst stalls together (five clients,
/// 300 ms connections, a 100 ms first fetch) keep the limit at the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ideal_limiter_passes_the_measurement() {
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let proxy = DelayProxy::start(server.addr(), CONNECT_DELAY)
        .await
        .unwrap();
    let creds = StallingCredentials::slow_first("AKIDarrivalsControl", Duration::from_millis(100));
    let clients: Vec<Client> = (0..5)
        .map(|_| {
            Client::builder()
                .region("ap-singapore")
                .endpoint(proxy.url())
                .credentials(creds.clone())
                .retry(RetryConfig::disabled())
                .rate_limit(RateLimit::Off)
                .build()
                .unwrap()
        })
        .collect();
    let pacer = Pacer::new(LIMIT, Duration::from_millis(1050));
    let outcome = fire(|i| {
        let (c, pacer) = (clients[i % clients.len()].clone(), pacer.clone());
        async move { pacer.run(describe(&c)).await }
    })
    .await;
    verdict(
        "control: ideal pacer, five clients, all stalls",
        &server,
        &outcome,
    );
}

/// The opt-out: clients with budgets of their own each spend the whole
/// limit, so two of them put twice the limit into the first second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_scoped_to_themselves_keep_separate_budgets() {
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let creds = StallingCredentials::fast("AKIDarrivalsOwnBudgets");
    let own = || {
        Client::builder()
            .region("ap-singapore")
            .endpoint(server.url())
            .credentials(creds.clone())
            .retry(RetryConfig::disabled())
            .rate_limit_scope(RateLimitScope::Client)
            .build()
            .unwrap()
    };
    let clients = [own(), own()];
    let started = Instant::now();
    let calls: Vec<_> = (0..2 * LIMIT)
        .map(|i| {
            let c = clients[i % 2].clone();
            tokio::spawn(async move { describe(&c).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    // Twice the limit went without waiting for a second window.
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    let arrivals = server.arrivals();
    assert_eq!(
        max_in_any_window(&arrivals, Duration::from_secs(1)),
        2 * LIMIT
    );
}

/// Five clients built separately, behind one slow first credentials fetch:
/// their shared budget still holds when the stall ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_separately_built_clients_share_the_limit_after_a_5s_first_fetch() {
    let _serial = SERIAL.acquire().await.unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let creds = StallingCredentials::slow_first("AKIDarrivalsFiveFirst5s", Duration::from_secs(5));
    let clients: Vec<Client> = (0..5).map(|_| client(&server.url(), &creds)).collect();
    let outcome = fire_spread(&clients).await;
    verdict("five clients, first fetch 5 s", &server, &outcome);
}
