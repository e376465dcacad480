//! `verifier::verify` with the real bundle on any proof bytes: the real public values, then
//! public values altered as the input picks. Never a panic; with altered public values never
//! `Ok(true)` (that would be a forgery); the real proof with the real values is `Ok(true)`.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use zkonnx::verifier;

fuzz_target!(init: { common::real(); }, |data: &[u8]| {
    let r = common::real();
    let res = verifier::verify(&r.bundle, data, &r.instances);
    if data == &r.proof[..] {
        assert_eq!(res, Ok(true), "the real proof does not verify");
    }
    let inst = common::mutate_instances(&r.instances, data);
    if inst != r.instances {
        let res = verifier::verify(&r.bundle, data, &inst);
        assert!(
            !matches!(res, Ok(true)),
            "a proof verified with altered public values"
        );
    }
});
