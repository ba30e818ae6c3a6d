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
use tcmpp_api::{Client, RateLimit, signing};

const MNP: &str = "mpg9yjc0qbpkelik";
const PLATFORM: &str = "T04257DS9431720WTAG";

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
    std::thread::spawn(move || {
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
    url: String,
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
        url: format!("http://{addr}/"),
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

/// Runs `calls` calls, `in_flight` at a time, on a fresh single-threaded runtime.
fn measure<F, Fut>(calls: usize, in_flight: usize, make: impl Fn() -> F) -> Figures
where
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        // Warm up: connections, caches.
        let warm = make();
        for _ in 0..200 {
            warm().await;
        }
        let cpu = thread_cpu();
        let wall = Instant::now();
        let per_task = calls / in_flight;
        let tasks: Vec<_> = (0..in_flight)
            .map(|_| {
                let call = make();
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
    let addr = start_server(seed_answer());
    let fixed = std::rc::Rc::new(fixed_request(addr));

    let tcmpp = |in_flight| {
        measure(calls, in_flight, || {
            let client = Client::builder()
                .region("ap-singapore")
                .endpoint(format!("http://{addr}"))
                .credentials(
                    Credentials::new("AKIDBENCH", "benchkey").unwrap_or_else(|e| panic!("{e}")),
                )
                .rate_limit(RateLimit::PerSecond(1_000_000))
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
                    assert_eq!(out.map(|o| o.data.map(|d| d.len())).ok().flatten(), Some(5));
                }
            }
        })
    };
    let reqwest_bare = |in_flight| {
        let fixed = fixed.clone();
        measure(calls, in_flight, move || {
            let client = reqwest::Client::builder()
                .no_proxy()
                .build()
                .unwrap_or_else(|e| panic!("{e}"));
            let fixed = fixed.clone();
            move || {
                let (client, fixed) = (client.clone(), fixed.clone());
                async move {
                    let mut req = client.post(&fixed.url).body(fixed.body.clone());
                    for (k, v) in &fixed.headers {
                        req = req.header(*k, v);
                    }
                    let body = req
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("{e}"))
                        .bytes()
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert!(body.len() > 100);
                }
            }
        })
    };
    let hyper_bare = |in_flight| {
        let fixed = fixed.clone();
        measure(calls, in_flight, move || {
            let client: HyperClient<HttpConnector, Full<Bytes>> =
                HyperClient::builder(TokioExecutor::new()).build_http();
            let fixed = fixed.clone();
            move || {
                let (client, fixed) = (client.clone(), fixed.clone());
                async move {
                    let mut req = hyper::Request::post(&fixed.url);
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
                    assert!(body.len() > 100);
                }
            }
        })
    };

    println!(
        "loopback: {calls} Describe calls per case, seed answer ({} bytes), server on another thread",
        seed_answer().len()
    );
    for in_flight in [1usize, 16] {
        let (h, r, t) = (
            hyper_bare(in_flight),
            reqwest_bare(in_flight),
            tcmpp(in_flight),
        );
        let label = if in_flight == 1 {
            "sequential"
        } else {
            "16 in flight"
        };
        println!("\n{label}:");
        println!("  {:<14} {:>12} {:>14}", "client", "CPU/call", "calls/s");
        for (name, f) in [("bare hyper", h), ("bare reqwest", r), ("tcmpp-api", t)] {
            println!(
                "  {:<14} {:>9.1} µs {:>14.0}",
                name,
                f.cpu_per_call.as_secs_f64() * 1e6,
                f.calls_per_sec
            );
        }
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        println!(
            "  tcmpp-api CPU/call: {:.2}x bare reqwest, {:.2}x bare hyper; throughput {:.2}x bare reqwest",
            ratio(t.cpu_per_call, r.cpu_per_call),
            ratio(t.cpu_per_call, h.cpu_per_call),
            t.calls_per_sec / r.calls_per_sec
        );
    }
}
