//! In-process generation of `spec/tcmpp.json`: load, check, emit, print.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed bench may panic
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn generate(c: &mut Criterion) {
    let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/tcmpp.json"))
        .unwrap_or_default();
    let options = codegen::Options::default();
    assert!(
        codegen::generate(&spec, &options).is_ok(),
        "spec/tcmpp.json must generate"
    );
    c.bench_function("codegen/generate_tcmpp_spec", |b| {
        b.iter(|| codegen::generate(black_box(&spec), &options))
    });
    c.bench_function("codegen/load_tcmpp_spec", |b| {
        b.iter(|| codegen::load(black_box(&spec)))
    });
}

criterion_group!(benches, generate);
criterion_main!(benches);
