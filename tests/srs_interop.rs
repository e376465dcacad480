//! SRS files written by ezkl load, downsize, and prove/verify. The files are not the project's:
//! they come from `../shared/srs` (ezkl's own test files) and from ezkl's `gen_srs`, so this suite
//! is `#[ignore]`d in a plain `cargo test` and run by `scripts/test.sh` with:
//!   ZKONNX_SHARED=../shared ZKONNX_EZKL_SRS=<file from `ezkl.gen_srs(path, k)`>

mod common;

use common::*;
use zkonnx::pipeline;
use zkonnx::settings::RunArgs;
use zkonnx::srs;

fn env_path(var: &str) -> std::path::PathBuf {
    std::env::var_os(var)
        .unwrap_or_else(|| panic!("set {var} (see the header of this file)"))
        .into()
}

#[test]
#[ignore = "needs ../shared/srs: run by scripts/test.sh"]
fn ezkl_test_files_load_and_downsize() {
    let dir = env_path("ZKONNX_SHARED").join("srs");
    for (file, k) in [("ezkl-test-kzg1.srs", 1u32), ("ezkl-test-kzg6.srs", 6)] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        assert_eq!(srs::header(&bytes).unwrap(), k, "{file}");
        for want in 0..=k {
            srs::load_for_k(&bytes, want).unwrap_or_else(|e| panic!("{file} at k={want}: {e}"));
            srs::verifier_params(&bytes, want).unwrap();
        }
        assert!(srs::load_for_k(&bytes, k + 1).is_err());
        // a flipped byte in a point is an error, not a panic
        let mut bad = bytes.clone();
        bad[4 + 10] ^= 0x55;
        assert!(
            srs::load_for_k(&bad, k).is_err(),
            "{file}: corrupted point accepted"
        );
    }
}

#[test]
#[ignore = "needs an SRS written by ezkl's gen_srs: run by scripts/test.sh"]
fn proof_with_ezkl_written_srs_verifies() {
    let bytes = std::fs::read(env_path("ZKONNX_EZKL_SRS")).unwrap();
    let have = srs::header(&bytes).unwrap();
    let m = mlp(77);
    let x = values(78, 8, -1.0, 1.0);
    let c = compile_at(&m, &x, 7, RunArgs::default());
    let k = c.settings.run_args.logrows;
    assert!(
        k <= have,
        "the ezkl SRS has k = {have}, the test model needs {k}"
    );
    let keys = pipeline::setup(&c, &bytes).unwrap();
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    let p = pipeline::prove(&c, &w, &keys.pk, &bytes).unwrap();
    assert!(pipeline::verify(&p, &c.settings, &keys.vk, &bytes).unwrap());
    // our own SRS of the same size is another ceremony: the proof does not verify with it
    let ours = pipeline::gen_srs(k, 5);
    assert!(!pipeline::verify(&p, &c.settings, &keys.vk, &ours).unwrap_or(false));
}
