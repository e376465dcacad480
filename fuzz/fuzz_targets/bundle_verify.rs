//! A doctored bundle against the real proof and public values: `verify` and `decode` return,
//! never panic.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use zkonnx::verifier::{self, Bundle};

fuzz_target!(init: { common::real(); }, |data: &[u8]| {
    let Ok(b) = Bundle::from_bytes(data) else {
        return;
    };
    let r = common::real();
    let _ = b.decode(&r.instances);
    let _ = verifier::verify(&b, &r.proof, &r.instances);
});
