//! Any spec text loads or is rejected with problems, never a panic; a spec
//! that loads also generates.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if codegen::load(text).is_ok() {
        let _ = codegen::generate(text, &codegen::Options::default());
    }
});
