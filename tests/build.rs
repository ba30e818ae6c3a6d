//! Generates the fixture spec's code into `OUT_DIR`, so that the test suite
//! compiles what the generator emits and not only compares it.

use std::path::Path;
use std::{env, fs, process};

fn main() {
    let spec = Path::new("fixtures/full.json");
    println!("cargo::rerun-if-changed={}", spec.display());
    let result = fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))
        .and_then(|text| {
            let options = codegen::Options {
                spec_label: "tests/fixtures/full.json".to_owned(),
                doctest_crate: None,
                client_methods: false,
            };
            codegen::generate(&text, &options).map_err(|e| e.to_string())
        })
        .and_then(|files| {
            let out =
                Path::new(&env::var("OUT_DIR").map_err(|e| e.to_string())?).join("fixture.rs");
            fs::write(&out, codegen::as_single_source(&files)).map_err(|e| e.to_string())
        });
    if let Err(msg) = result {
        eprintln!("fixture generation failed: {msg}");
        process::exit(1);
    }
}
