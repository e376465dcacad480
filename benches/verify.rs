//! Verification time, native: halo2's verifier (settings + vk + SRS) and the light verifier
//! (bundle only) on the artifacts of `zkonnx e2e`, median of 20 each.
//! Usage: cargo bench --bench verify -- WORK_DIR [WORK_DIR ...]

use std::time::Instant;
use zkonnx::formats::Proof;
use zkonnx::pipeline;
use zkonnx::settings::Settings;

fn median_ms(mut f: impl FnMut() -> bool) -> f64 {
    let mut t: Vec<f64> = (0..20)
        .map(|_| {
            let s = Instant::now();
            assert!(f(), "the proof must verify");
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(|a, b| a.total_cmp(b));
    (t[9] + t[10]) / 2.0
}

fn main() {
    for dir in std::env::args().skip(1).filter(|a| !a.starts_with("--")) {
        let d = std::path::Path::new(&dir);
        let read = |f: &str| std::fs::read(d.join(f)).unwrap_or_else(|e| panic!("{dir}/{f}: {e}"));
        let proof = Proof::from_json(&read("proof.json")).unwrap();
        let settings = Settings::from_json(&read("settings.json")).unwrap();
        let srs = read(&format!("kzg{}.srs", settings.run_args.logrows));
        let (vk, bundle) = (read("vk.key"), read("verifier.bundle"));
        let halo2 = median_ms(|| pipeline::verify(&proof, &settings, &vk, &srs).unwrap());
        let light = median_ms(|| pipeline::verify_bundle(&proof, &bundle).unwrap());
        println!("{dir}: halo2 verify {halo2:.2} ms, light verify {light:.2} ms (median of 20); bundle {} B", bundle.len());
    }
}
