//! The rate budget as a client uses it, against servers on 127.0.0.1: a
//! budget of the user's own (the runtime's trait), a Redis that never
//! answers, and (with `redis-server`, run by CI: `--ignored`) the keys a
//! real Redis holds and a capped wait on a full shared budget. The fleet's
//! promises across processes are measured in `tcmpp-cli/tests/fleet.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tcmpp_api::credentials::Credentials;
use tcmpp_api::rate_limit::{AccountId, BudgetKey, LocalBudget, RateBudget, Slot, SlotEnd};
use tcmpp_api::{Client, RateLimit, RetryConfig};
use tcmpp_tests::arrivals::{ArrivalReport, ArrivalServer};
use tcmpp_tests::calls;
use tcmpp_tests::redis::{RedisServer, free_port};
use tencentcloud_redis_budget::RedisBudget;
use tencentcloud_runtime::credentials::BoxFuture;

const SECRET_ID: &str = "AKIDbudgettest000000000000000000";
const SECRET_KEY: &str = "budgettestsecretkey0000000000000";
const ACTION: &str = "DescribeMNPAllStageVersions";

fn client(endpoint: &str, budget: impl RateBudget) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .region("ap-singapore")
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY).unwrap())
        .retry(RetryConfig::disabled())
        .rate_budget(budget)
        .build()
        .unwrap()
}

async fn describe(c: &Client) -> Result<(), String> {
    calls::describe(c)
        .await
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// A budget of a user's own: the local one, recording what it is asked
/// and how each slot ends.
#[derive(Debug, Default)]
struct Recording {
    local: LocalBudget,
    asked: Mutex<Vec<String>>,
    ends: Arc<Mutex<Vec<SlotEnd>>>,
}

impl RateBudget for Recording {
    fn acquire<'a>(
        &'a self,
        key: &'a BudgetKey<'a>,
        max_wait: Option<Duration>,
    ) -> BoxFuture<'a, Result<Slot, Duration>> {
        Box::pin(async move {
            self.asked.lock().unwrap().push(format!(
                "{} {} {} {} {}",
                key.account, key.host, key.region, key.action, key.limit
            ));
            let inner = self.local.acquire(key, max_wait).await?;
            let ends = self.ends.clone();
            Ok(Slot::new(move |how| {
                ends.lock().unwrap().push(how);
                inner.end(how);
            }))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_of_your_own_is_asked_for_every_attempt() {
    let server = ArrivalServer::start().await.unwrap();
    let budget = Arc::new(Recording::default());
    let c = client(&server.url(), budget.clone());
    for _ in 0..3 {
        describe(&c).await.unwrap();
    }
    let host = server.url().trim_start_matches("http://").to_owned();
    let expected = format!(
        "{} {host} ap-singapore {ACTION} 20",
        AccountId::of(SECRET_ID)
    );
    assert_eq!(*budget.asked.lock().unwrap(), vec![expected; 3]);
    assert_eq!(*budget.ends.lock().unwrap(), vec![SlotEnd::Reached; 3]);
    assert!(
        !budget.asked.lock().unwrap()[0].contains(SECRET_ID),
        "the account is hashed"
    );

    // Nothing listening: the request never left, the slot is free at once.
    let nowhere = format!("http://127.0.0.1:{}", free_port().unwrap());
    let budget = Arc::new(Recording::default());
    assert!(describe(&client(&nowhere, budget.clone())).await.is_err());
    assert_eq!(*budget.ends.lock().unwrap(), vec![SlotEnd::Unsent]);

    // No limit: no budget is asked.
    let budget = Arc::new(Recording::default());
    let off = Client::builder()
        .endpoint(server.url())
        .region("ap-singapore")
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY).unwrap())
        .rate_limit(RateLimit::Off)
        .rate_budget(budget.clone())
        .build()
        .unwrap();
    describe(&off).await.unwrap();
    assert!(budget.asked.lock().unwrap().is_empty());
}

/// A TCP server that accepts connections and never answers.
async fn silent_server() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    (port, task)
}

#[tokio::test(flavor = "current_thread")]
async fn a_redis_that_never_answers_costs_one_timeout_then_a_share_of_the_limit() {
    let (logs, _guard) = tcmpp_tests::logs::capture();
    let (port, _silent) = silent_server().await;
    let url = format!("redis://:sekrit-password@127.0.0.1:{port}");
    let budget = RedisBudget::builder(&url)
        .timeout(Duration::from_millis(100))
        .lease(Duration::from_millis(500))
        .build()
        .unwrap();
    assert!(!format!("{budget:?}").contains("sekrit"), "{budget:?}");
    let server = ArrivalServer::start().await.unwrap();
    let c = client(&server.url(), budget.clone());
    let started = Instant::now();
    // One thread (the logs are this thread's): the calls are tasks on it.
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let c = c.clone();
        calls.spawn(async move { describe(&c).await });
    }
    while let Some(r) = calls.join_next().await {
        r.unwrap().unwrap();
    }
    let report = ArrivalReport::new(&server.arrivals());
    println!(
        "12 calls, Redis silent, in {:?}: {report}",
        started.elapsed()
    );
    // 5 per second (a quarter of 20): 12 calls take two more windows.
    assert!(report.max_in_one_second <= 5, "{report}");
    assert!(started.elapsed() < Duration::from_secs(4), "never a hang");
    let text = logs.text();
    assert_eq!(text.matches("Redis does not answer").count(), 1, "{text}");
    assert!(!text.contains("sekrit"), "{text}");
    let flushing = Instant::now();
    budget.flush().await;
    assert!(
        flushing.elapsed() < Duration::from_millis(50),
        "a flush while Redis is down does not wait for it: {:?}",
        flushing.elapsed()
    );

    let bad = RedisBudget::new("redis://:sekrit@[nonsense").unwrap_err();
    assert!(!bad.to_string().contains("sekrit"), "{bad}");
    assert!(!format!("{bad:?}").contains("sekrit"), "{bad:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server: .ci/run installs it and runs these"]
async fn keys_name_a_hash_of_the_account_never_the_secret_id() {
    let redis = RedisServer::start().unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let budget = RedisBudget::new(&redis.url()).unwrap();
    describe(&client(&server.url(), budget.clone()))
        .await
        .unwrap();
    let named = RedisBudget::builder(redis.url())
        .account("team-a")
        .build()
        .unwrap();
    describe(&client(&server.url(), named)).await.unwrap();
    let host = server.url().trim_start_matches("http://").to_owned();
    let mut keys = redis.keys().unwrap();
    keys.sort();
    let key =
        |account: AccountId| format!("tencentcloud:budget:{account}:{host}:ap-singapore:{ACTION}");
    let mut expected = vec![key(AccountId::of(SECRET_ID)), key(AccountId::of("team-a"))];
    expected.sort();
    assert_eq!(keys, expected);
    // One slot each, still counting; no secret anywhere.
    for k in &keys {
        let members = redis.command(&["ZRANGE", k, "0", "-1"]).unwrap();
        assert_eq!(members.lines().count(), 1, "{k}: {members}");
        assert!(!members.contains(SECRET_ID) && !k.contains(SECRET_ID));
    }
    // A flush ends the slot a window after its answer, not at its lease.
    budget.flush().await;
    let flushed = key(AccountId::of(SECRET_ID));
    let score: f64 = redis
        .command(&["ZRANGE", &flushed, "0", "-1", "WITHSCORES"])
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let time = redis.command(&["TIME"]).unwrap();
    let (secs, micros) = time.split_once('\n').unwrap();
    let now = secs.parse::<f64>().unwrap() * 1000.0 + micros.parse::<f64>().unwrap() / 1000.0;
    assert!(
        score - now < 1100.0,
        "counts at most a window more: {}",
        score - now
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server: .ci/run installs it and runs these"]
async fn a_call_with_a_free_slot_is_one_round_trip_to_redis() {
    let redis = RedisServer::start().unwrap();
    let server = ArrivalServer::start().await.unwrap();
    let c = client(&server.url(), RedisBudget::new(&redis.url()).unwrap());
    // The first call connects and loads the script.
    describe(&c).await.unwrap();
    let monitor = redis.monitor().unwrap();
    for _ in 0..10 {
        describe(&c).await.unwrap();
    }
    // MONITOR shows a command once it ran; the last may still be on its way.
    let started = Instant::now();
    while monitor.sent().len() < 10 && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = monitor.sent();
    // Ten calls, one script each, each carrying the previous call's end.
    assert_eq!(sent.len(), 10, "{sent:#?}");
    assert!(sent.iter().all(|l| l.contains("\"EVALSHA\"")), "{sent:#?}");
    assert!(
        monitor.lines().len() > 10,
        "the scripts' own commands are seen too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server: .ci/run installs it and runs these"]
async fn a_capped_wait_gives_up_when_another_process_holds_the_budget() {
    let redis = RedisServer::start().unwrap();
    let server = ArrivalServer::start().await.unwrap();
    // Two budgets: two processes' view of one Redis.
    let capped = |budget| {
        Client::builder()
            .endpoint(server.url())
            .region("ap-singapore")
            .credentials(Credentials::new(SECRET_ID, SECRET_KEY).unwrap())
            .retry(RetryConfig::disabled())
            .rate_limit(RateLimit::PerSecond(2))
            .max_rate_limit_wait(Duration::from_millis(200))
            .rate_budget(budget)
            .build()
            .unwrap()
    };
    let first = capped(RedisBudget::new(&redis.url()).unwrap());
    let second = capped(RedisBudget::new(&redis.url()).unwrap());
    describe(&first).await.unwrap();
    describe(&first).await.unwrap();
    let started = Instant::now();
    let refused = describe(&second).await.unwrap_err();
    assert!(refused.contains("RateLimit"), "{refused}");
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.arrivals().len(), 2, "nothing sent past the budget");
}
