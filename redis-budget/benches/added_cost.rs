//! What the Redis budget adds to a call, against the in-process budget, in
//! one run: `cargo bench -p tencentcloud-redis-budget` (needs
//! `redis-server`). The same client calls a server on 127.0.0.1 one call at
//! a time with each budget (a limit no run reaches, so nothing waits), and
//! the figures are latency per call (mean, p50, p99), this process's CPU
//! per call (the client and the server on 127.0.0.1; the same server for
//! both) and Redis's CPU per call.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a panic is a failed run

use std::time::{Duration, Instant};

use tcmpp_api::{Client, RateLimit, RetryConfig};
use tcmpp_tests::arrivals::ArrivalServer;
use tcmpp_tests::calls;
use tcmpp_tests::redis::RedisServer;
use tencentcloud_redis_budget::RedisBudget;

const CALLS: usize = 5000;

/// This process's user and system CPU time so far.
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which may hold spaces), from field 3.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

/// Redis's user and system CPU time so far.
fn redis_cpu(redis: &RedisServer) -> Duration {
    let info = redis.command(&["INFO", "cpu"]).unwrap();
    let secs: f64 = info
        .lines()
        .filter(|l| l.starts_with("used_cpu_sys:") || l.starts_with("used_cpu_user:"))
        .map(|l| l.split(':').nth(1).unwrap().trim().parse::<f64>().unwrap())
        .sum();
    Duration::from_secs_f64(secs)
}

struct Figures {
    latencies: Vec<Duration>,
    cpu: Duration,
    redis_cpu: Duration,
}

impl Figures {
    fn at(&self, q: f64) -> Duration {
        self.latencies[((self.latencies.len() - 1) as f64 * q) as usize]
    }
    fn mean(&self) -> Duration {
        self.latencies.iter().sum::<Duration>() / self.latencies.len() as u32
    }
}

async fn run(client: &Client, redis: &RedisServer) -> Figures {
    let call = || async { calls::describe(client).await.unwrap() };
    for _ in 0..200 {
        call().await; // warm: connections, the script cached in Redis
    }
    let (cpu, rcpu) = (process_cpu(), redis_cpu(redis));
    let mut latencies = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        call().await;
        latencies.push(started.elapsed());
    }
    latencies.sort();
    Figures {
        latencies,
        cpu: process_cpu() - cpu,
        redis_cpu: redis_cpu(redis) - rcpu,
    }
}

fn main() {
    // `cargo test --benches` runs this with `--bench`-less arguments: only
    // `cargo bench` measures.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let redis = RedisServer::start().unwrap();
        let server = ArrivalServer::start().await.unwrap();
        let client = |budget: Option<RedisBudget>| {
            let b = Client::builder()
                .endpoint(server.url())
                .region("ap-singapore")
                .credentials(tencentcloud_mock::demo_credentials())
                .retry(RetryConfig::disabled())
                .rate_limit(RateLimit::PerSecond(1_000_000));
            match budget {
                Some(budget) => b.rate_budget(budget),
                None => b,
            }
            .build()
            .unwrap()
        };
        let local = run(&client(None), &redis).await;
        let shared = run(&client(Some(RedisBudget::new(&redis.url()).unwrap())), &redis).await;
        let per = |d: Duration| d / CALLS as u32;
        println!("{CALLS} calls one at a time to a server on 127.0.0.1, each budget:");
        println!("budget     mean      p50       p99       CPU/call (this process)  Redis CPU/call");
        for (name, f) in [("in-process", &local), ("redis", &shared)] {
            println!(
                "{name:<10} {:>8.1?} {:>8.1?} {:>8.1?} {:>10.1?} {:>22.1?}",
                f.mean(),
                f.at(0.5),
                f.at(0.99),
                per(f.cpu),
                per(f.redis_cpu)
            );
        }
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        println!(
            "redis / in-process: latency {:.2}x (mean), +{:.1?} per call; CPU {:.2}x (this process), +{:.1?} per call in Redis",
            ratio(shared.mean(), local.mean()),
            shared.mean().saturating_sub(local.mean()),
            ratio(shared.cpu, local.cpu),
            per(shared.redis_cpu)
        );
    });
}
