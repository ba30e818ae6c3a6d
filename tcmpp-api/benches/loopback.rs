//! End to end on loopback: Describe calls through the client, and the same
//! request bytes through a bare reqwest client and a bare hyper client,
//! against one fixed-answer HTTP server on 127.0.0.1, in the same run.
//!
//! Every client runs on a single-threaded tokio runtime on this thread, and
//! the server on another thread, so this thread's CPU time (from
//! /proc/thread-self/schedstat) is the client's CPU time. Reported: CPU per
//! call and throughput, for N sequential calls and for 16 in flight.
//!
//! `TCMPP_BENCH_CALLS` sets N (default 20000). The client runs with retries
//! on (none happen) and a rate limit too high to wait, so that the limiter's
//! bookkeeping is counted.
//!
//! `TCMPP_BENCH_ONLY=CLIENT` (`bare hyper`, `bare reqwest`,
//! `reqwest+timeouts`, `tcmpp-api`) runs that client alone, sequentially,
//! once: for counting instructions per call under callgrind, which the
//! machine's noise does not move (`scripts/instructions-per-call.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed bench may panic

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tcmpp_api::credentials::Credentials;
use tcmpp_api::{Client, RateLimit, reqwest};
use tencentcloud_runtime::signing;

const MNP: &str = "mpg9yjc0qbpkelik";
const PLATFORM: &str = "T04257DS9431720WTAG";

/// `Data: []`: separates the cost of decoding five versions from the rest
/// of the client's work. (`TCMPP_BENCH_ANSWER=seed|minimal` runs one.)
fn minimal_answer() -> Bytes {
    Bytes::from_static(
        br#"{"Response":{"Data":[],"RequestId":"2802e966-d4ab-4a91-8350-00b803e5a49c"}}"#,
    )
}

/// The spec's Describe example: five versions, 2.8 KB.
fn seed_answer() -> Bytes {
    let spec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/tcmpp.json"))
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    Bytes::from(
        spec["actions"]["DescribeMNPAllStageVersions"]["examples"][0]["response"].to_string(),
    )
}

/// This thread's CPU time.
fn thread_cpu() -> Duration {
    let ns = std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

fn start_server(answer: Bytes) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    let server = std::thread::Builder::new().name("bench-server".into());
    let _ = server.spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let _ = tx.send(listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let answer = answer.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let answer = answer.clone();
                        async move {
                            let _ = req.into_body().collect().await;
                            let mut resp = hyper::Response::new(Full::new(answer));
                            resp.headers_mut().insert(
                                "content-type",
                                hyper::header::HeaderValue::from_static("application/json"),
                            );
                            Ok::<_, Infallible>(resp)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv()
        .unwrap_or_else(|e| panic!("server did not start: {e}"))
}

/// The request the client sends, as fixed bytes and headers for the baselines.
struct Fixed {
    url: reqwest::Url,
    uri: hyper::Uri,
    body: Bytes,
    headers: Vec<(&'static str, String)>,
}

fn fixed_request(addr: SocketAddr) -> Fixed {
    let body = Bytes::from(format!(r#"{{"MNPId":"{MNP}","PlatformId":"{PLATFORM}"}}"#));
    let host = addr.to_string();
    let timestamp = std::time::UNIX_EPOCH.elapsed().map_or(0, |d| d.as_secs());
    let req = signing::Request {
        service: "tcmpp",
        host: &host,
        content_type: "application/json",
        payload: &body,
        timestamp,
    };
    let auth = signing::authorization("AKIDBENCH", &signing::signature("benchkey", &req), &req);
    Fixed {
        url: reqwest::Url::parse(&format!("http://{addr}/")).unwrap(),
        uri: format!("http://{addr}/").parse().unwrap(),
        headers: vec![
            ("host", host.clone()),
            ("content-type", "application/json".into()),
            ("authorization", auth),
            ("x-tc-action", "DescribeMNPAllStageVersions".into()),
            ("x-tc-version", "2024-08-01".into()),
            ("x-tc-timestamp", timestamp.to_string()),
            ("x-tc-region", "ap-singapore".into()),
            ("x-tc-language", "en-US".into()),
            ("x-tc-requestclient", "bench".into()),
        ],
        body,
    }
}

#[derive(Clone, Copy)]
struct Figures {
    cpu_per_call: Duration,
    calls_per_sec: f64,
}

/// Runs `calls` calls, `in_flight` at a time, on a fresh single-threaded
/// runtime. `setup` builds the client (outside the measurement) and returns
/// the call.
fn measure<F, Fut>(calls: usize, in_flight: usize, setup: impl FnOnce() -> F) -> Figures
where
    F: Fn() -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let call = setup();
        // Warm up: connections (one per task), caches.
        let warm: Vec<_> = (0..in_flight)
            .map(|_| tokio::task::spawn_local((call.clone())()))
            .collect();
        for w in warm {
            let _ = w.await;
        }
        for _ in 0..200 {
            call().await;
        }
        let per_task = calls / in_flight;
        let cpu = thread_cpu();
        let wall = Instant::now();
        let tasks: Vec<_> = (0..in_flight)
            .map(|_| {
                let call = call.clone();
                tokio::task::spawn_local(async move {
                    for _ in 0..per_task {
                        call().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            let _ = t.await;
        }
        let done = per_task * in_flight;
        Figures {
            cpu_per_call: (thread_cpu() - cpu) / done as u32,
            calls_per_sec: done as f64 / wall.elapsed().as_secs_f64(),
        }
    })
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run a short smoke test then.
    let calls: usize = std::env::var("TCMPP_BENCH_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if std::env::args().any(|a| a == "--bench") {
            20_000
        } else {
            320
        });
    // Building a tcmpp client installs the rustls provider the bare reqwest
    // client needs too (reqwest is built with `rustls-no-provider`).
    let _ = Client::builder().region("ap-singapore").build();
    let only = std::env::var("TCMPP_BENCH_ANSWER").ok();
    for (answer_name, answer) in [("seed", seed_answer()), ("minimal", minimal_answer())] {
        if only.as_deref().is_some_and(|o| o != answer_name) {
            continue;
        }
        run(calls, answer_name, answer);
    }
}

/// All clients, sequential and 16 in flight, against one server answering `answer`.
fn run(calls: usize, answer_name: &str, answer: Bytes) {
    let size = answer.len();
    let addr = start_server(answer);
    let fixed = std::rc::Rc::new(fixed_request(addr));

    let tcmpp = |in_flight: usize| {
        measure(calls / ROUNDS, in_flight, || {
            let client = Client::builder()
                .region("ap-singapore")
                .endpoint(format!("http://{addr}"))
                .credentials(
                    Credentials::new("AKIDBENCH", "benchkey").unwrap_or_else(|e| panic!("{e}")),
                )
                .rate_limit(
                    if std::env::var("TCMPP_BENCH_RATE_LIMIT").as_deref() == Ok("off") {
                        RateLimit::Off
                    } else {
                        RateLimit::PerSecond(1_000_000)
                    },
                )
                .build()
                .unwrap_or_else(|e| panic!("{e}"));
            move || {
                let client = client.clone();
                async move {
                    let out = client
                        .describe_mnp_all_stage_versions()
                        .mnp_id(MNP)
                        .platform_id(PLATFORM)
                        .send()
                        .await;
                    assert!(out.is_ok_and(|o| o.data.is_some()));
                }
            }
        })
    };
    // Bare reqwest twice: with its defaults, and configured with the
    // client's timeouts, which cost a timer per request. The second isolates
    // what tcmpp-api adds: signing, decoding, retry and rate-limit work.
    let reqwest_bare = |in_flight, same_timeouts: bool| {
        let fixed = fixed.clone();
        measure(calls / ROUNDS, in_flight, move || {
            let mut builder = reqwest::Client::builder().no_proxy();
            if same_timeouts {
                builder = builder
                    .timeout(tcmpp_api::config::DEFAULT_TIMEOUT)
                    .connect_timeout(tcmpp_api::config::DEFAULT_CONNECT_TIMEOUT)
                    .pool_idle_timeout(tcmpp_api::config::DEFAULT_POOL_IDLE_TIMEOUT);
            }
            let client = builder.build().unwrap();
            move || {
                let (client, fixed) = (client.clone(), fixed.clone());
                async move {
                    let mut req = client.post(fixed.url.clone()).body(fixed.body.clone());
                    for (k, v) in &fixed.headers {
                        req = req.header(*k, v);
                    }
                    let body = req.send().await.unwrap().bytes().await.unwrap();
                    assert!(body.len() > 50);
                }
            }
        })
    };
    let hyper_bare = |in_flight| {
        let fixed = fixed.clone();
        measure(calls / ROUNDS, in_flight, move || {
            let client: HyperClient<HttpConnector, Full<Bytes>> =
                HyperClient::builder(TokioExecutor::new()).build_http();
            let fixed = fixed.clone();
            move || {
                let (client, fixed) = (client.clone(), fixed.clone());
                async move {
                    let mut req = hyper::Request::post(fixed.uri.clone());
                    for (k, v) in &fixed.headers {
                        req = req.header(*k, v);
                    }
                    let req = req
                        .body(Full::new(fixed.body.clone()))
                        .unwrap_or_else(|e| panic!("{e}"));
                    let resp = client.request(req).await.unwrap_or_else(|e| panic!("{e}"));
                    let body = resp
                        .into_body()
                        .collect()
                        .await
                        .unwrap_or_else(|e| panic!("{e}"))
                        .to_bytes();
                    assert!(body.len() > 50);
                }
            }
        })
    };

    let names = [
        "bare hyper",
        "bare reqwest",
        "reqwest+timeouts",
        "tcmpp-api",
    ];
    if let Ok(only) = std::env::var("TCMPP_BENCH_ONLY") {
        let f = match names.iter().position(|n| *n == only) {
            Some(0) => hyper_bare(1),
            Some(1) => reqwest_bare(1, false),
            Some(2) => reqwest_bare(1, true),
            Some(3) => tcmpp(1),
            _ => panic!("TCMPP_BENCH_ONLY must be one of {names:?}, not {only:?}"),
        };
        println!(
            "{only}, {answer_name} answer: {:?} CPU per call",
            f.cpu_per_call
        );
        return;
    }
    println!(
        "\nloopback, {answer_name} answer ({size} bytes): {calls} Describe calls per case in {ROUNDS} interleaved rounds (medians), server on another thread"
    );
    for in_flight in [1usize, 16] {
        let mut runs: Vec<Vec<Figures>> = vec![Vec::new(); names.len()];
        for _ in 0..ROUNDS {
            runs[0].push(hyper_bare(in_flight));
            runs[1].push(reqwest_bare(in_flight, false));
            runs[2].push(reqwest_bare(in_flight, true));
            runs[3].push(tcmpp(in_flight));
        }
        let med: Vec<Figures> = runs.iter().map(|r| median(r)).collect();
        let label = if in_flight == 1 {
            "sequential"
        } else {
            "16 in flight"
        };
        println!("{label}:");
        println!("  {:<18} {:>12} {:>14}", "client", "CPU/call", "calls/s");
        for (name, f) in names.iter().zip(&med) {
            println!(
                "  {:<18} {:>9.1} µs {:>14.0}",
                name,
                f.cpu_per_call.as_secs_f64() * 1e6,
                f.calls_per_sec
            );
        }
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        let (h, r, rt, t) = (med[0], med[1], med[2], med[3]);
        println!(
            "  tcmpp-api CPU/call: {:.2}x bare reqwest, {:.2}x reqwest+timeouts, {:.2}x bare hyper",
            ratio(t.cpu_per_call, r.cpu_per_call),
            ratio(t.cpu_per_call, rt.cpu_per_call),
            ratio(t.cpu_per_call, h.cpu_per_call),
        );
        println!(
            "  tcmpp-api throughput: {:.2}x bare reqwest, {:.2}x reqwest+timeouts, {:.2}x bare hyper",
            t.calls_per_sec / r.calls_per_sec,
            t.calls_per_sec / rt.calls_per_sec,
            t.calls_per_sec / h.calls_per_sec,
        );
    }
}

const ROUNDS: usize = 5;

/// The median CPU per call and the median throughput of the runs.
fn median(runs: &[Figures]) -> Figures {
    let mut cpu: Vec<Duration> = runs.iter().map(|f| f.cpu_per_call).collect();
    let mut tput: Vec<f64> = runs.iter().map(|f| f.calls_per_sec).collect();
    cpu.sort();
    tput.sort_by(f64::total_cmp);
    Figures {
        cpu_per_call: cpu[cpu.len() / 2],
        calls_per_sec: tput[tput.len() / 2],
    }
}
