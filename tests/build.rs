//! Generates the fixture specs' code into `OUT_DIR`, so that the test suite
//! compiles what the generator emits and not only compares it:
//! `full.json` uses every feature of the format, `collisions.json` every
//! name that meets one the generator uses, `published.json` (imported by
//! `cargo xtask import` from `fixtures/published/`) what Tencent publishes
//! that does not fit its own descriptions, `bare.json` the least a service
//! can have (one action, no members, no error codes, no documents).

use std::path::Path;
use std::{env, fs, process};

const FIXTURES: &[(&str, &str)] = &[
    ("fixtures/full.json", "fixture.rs"),
    ("fixtures/collisions.json", "collisions.rs"),
    ("fixtures/published.json", "published.rs"),
    ("fixtures/bare.json", "bare.rs"),
];

fn main() {
    for (spec, out) in FIXTURES {
        if let Err(msg) = generate(Path::new(spec), out) {
            eprintln!("fixture generation failed for {spec}: {msg}");
            process::exit(1);
        }
    }
}

fn generate(spec: &Path, out: &str) -> Result<(), String> {
    println!("cargo::rerun-if-changed={}", spec.display());
    let text =
        fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let options = codegen::Options {
        spec_label: format!("tests/{}", spec.display()),
        doctest_crate: None,
        client_methods: false,
    };
    let files = codegen::generate(&text, &options).map_err(|e| e.to_string())?;
    let out = Path::new(&env::var("OUT_DIR").map_err(|e| e.to_string())?).join(out);
    fs::write(&out, codegen::as_single_source(&files)).map_err(|e| e.to_string())
}
