//! `Proof::from_json` on any bytes, then the light verifier's report against the real bundle
//! (`pipeline::verify_bundle_report`, and `verify_bundle` that skips the pretty-printed values):
//! never a panic; a proof.json reported valid carries the real public values.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use zkonnx::formats::Proof;
use zkonnx::pipeline;
use zkonnx::verifier;

fuzz_target!(init: { common::real(); }, |data: &[u8]| {
    let Ok(p) = Proof::from_json(data) else {
        return;
    };
    let r = common::real();
    let _ = p.bytes();
    let report = pipeline::verify_bundle_report(&p, &r.bundle_bytes);
    let valid = pipeline::verify_bundle(&p, &r.bundle_bytes);
    if matches!(report, Ok(ref rep) if rep.valid) || matches!(valid, Ok(true)) {
        let inst: Vec<_> = p.instances[0]
            .iter()
            .map(|h| verifier::from_hex(h).expect("a valid proof's instances parse"))
            .collect();
        assert!(inst == r.instances, "a proof.json with other public values verified");
    }
});
