//! The client's own costs, one piece at a time: signing with a cold and a
//! cached key, request serialization, and decoding answers of 5, 1,000 and
//! 10,000 versions against `serde_json::Value` on the same bytes.
//!
//! A counting global allocator reports allocations per decode beside the
//! timings, since "allocates no more than `Value`" is one of the targets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed bench may panic
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::alloc::System;
use std::hint::black_box;

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tcmpp_api::actions::create_mnp_version::CreateMnpVersionInput;
use tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersions;
use tencentcloud_runtime::__private::decode_response;
use tencentcloud_runtime::signing::{self, Signer};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations and bytes allocated while `f` runs (its result dropped after).
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, usize) {
    let region = Region::new(GLOBAL);
    let out = f();
    let stats = region.change();
    drop(out);
    (
        stats.allocations + stats.reallocations,
        // A reallocation's growth is in `bytes_allocated` already.
        stats.bytes_allocated,
    )
}

fn seed_version(i: usize) -> Value {
    let phase = ["Develop", "Platform", "Online"][i % 3];
    json!({
        "MNPId": "mpg9yjc0qbpkelik", "MNPVersionId": 2000 + i, "MNPName": "autotest_miniapp",
        "MNPIcon": "http://127.0.0.1/T04257DS9431720WTAG/console/20240820061043-30fc239971.png",
        "MNPType": "Logistics Services->1_Pickup/Delivery,Life Service->144_Lilliputian Services",
        "MNPIntro": "test", "MNPDesc": "test", "CreateUser": "autotest_op", "CreateTime": "1724142147",
        "MNPVersion": format!("1.0.{i}"), "MNPVersionIntro": "test",
        "Phase": phase, "ApprovalNo": "aud7hnb70973ng51ca",
        "ApprovalStatus": 3, "VersionCurrentStatus": 3, "ShowCase": i % 2, "RollbackVersion": 0, "Status": 1
    })
}

/// A Describe answer of `n` versions, as the service sends it.
pub fn describe_answer(n: usize) -> Bytes {
    let data: Vec<Value> = (0..n).map(seed_version).collect();
    Bytes::from(
        json!({"Response": {"Data": data, "RequestId": "2802e966-d4ab-4a91-8350-00b803e5a49c"}})
            .to_string(),
    )
}

fn signing(c: &mut Criterion) {
    let body = br#"{"MNPId":"mpg9yjc0qbpkelik","PlatformId":"T04257DS9431720WTAG"}"#;
    let req = signing::Request {
        service: "tcmpp",
        host: "tcmpp.tencentcloudapi.com",
        content_type: "application/json",
        payload: body,
        timestamp: 1_724_142_147,
    };
    let mut g = c.benchmark_group("signing");
    g.bench_function("cold_key", |b| {
        b.iter(|| {
            Signer::authorization_uncached(
                "AKIDEXAMPLE",
                black_box("SECRETEXAMPLE"),
                black_box(&req),
            )
        })
    });
    let signer = Signer::new();
    g.bench_function("cached_key", |b| {
        b.iter(|| signer.authorization("AKIDEXAMPLE", black_box("SECRETEXAMPLE"), black_box(&req)))
    });
    g.finish();
}

fn serialization(c: &mut Criterion) {
    let input = CreateMnpVersionInput::builder()
        .mnp_id("mpg9yjc0qbpkelik")
        .mnp_version("1.0.278")
        .file_url("http://127.0.0.1/T04257DS9431720WTAG/console/20240820163023-86c669ca06.zip")
        .platform_id("T04257DS9431720WTAG")
        .mnp_version_intro("autotest_create")
        .build();
    c.bench_function("serialize/create_input", |b| {
        b.iter(|| serde_json::to_vec(black_box(&input)))
    });
}

fn decoding(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    for n in [5usize, 1_000, 10_000] {
        let body = describe_answer(n);
        let typed = || decode_response::<DescribeMnpAllStageVersions>(200, None, body.clone());
        let value = || serde_json::from_slice::<Value>(&body);
        assert_eq!(typed().ok().and_then(|o| o.data).map(|d| d.len()), Some(n));
        let (ta, tb) = allocations(typed);
        let (va, vb) = allocations(value);
        println!(
            "decode/{n}: typed {ta} allocations, {tb} bytes; serde_json::Value {va} allocations, {vb} bytes"
        );
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_with_input(BenchmarkId::new("typed", n), &n, |b, _| {
            b.iter(|| black_box(typed()))
        });
        g.bench_with_input(BenchmarkId::new("serde_json_value", n), &n, |b, _| {
            b.iter(|| black_box(value()))
        });
    }
    g.finish();
}

criterion_group!(benches, signing, serialization, decoding);

criterion_main!(benches);
