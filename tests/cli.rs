//! The step-by-step CLI flow, with ezkl's command lines and the program name swapped:
//! gen-settings -> calibrate-settings -> compile-circuit -> gen-srs -> setup -> gen-witness ->
//! mock -> prove -> verify, then the files read as ezkl's readers expect.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn zk(dir: &Path, args: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_zkonnx"))
        .args(args.split_whitespace())
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "zkonnx {args} failed:\n{text}");
    text
}

fn json(dir: &Path, f: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(f)).unwrap()).unwrap()
}

#[test]
fn ezkl_command_lines_work() {
    let dir = std::env::temp_dir().join(format!("zkonnx-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("network.onnx"), mlp(9)).unwrap();
    let x = values(10, 8, -1.0, 1.0);
    std::fs::write(dir.join("input.json"), input_data(&x).to_json()).unwrap();
    let mut cal = vec![];
    for s in 0..4 {
        cal.extend(values(20 + s, 8, -1.0, 1.0));
    }
    std::fs::write(dir.join("calibration.json"), input_data(&cal).to_json()).unwrap();

    zk(
        &dir,
        "gen-settings -M network.onnx -O settings.json --input-visibility public",
    );
    zk(&dir, "calibrate-settings -D calibration.json -M network.onnx -O settings.json --target resources");
    let s = json(&dir, "settings.json");
    let k = s["run_args"]["logrows"].as_u64().unwrap();
    assert_eq!(s["run_args"]["input_visibility"], "Public"); // serialized as ezkl does
    for f in [
        "input_scale",
        "param_scale",
        "lookup_range",
        "output_visibility",
        "param_visibility",
    ] {
        assert!(
            !s["run_args"][f].is_null(),
            "settings.json lacks run_args.{f}"
        );
    }
    assert!(s["num_rows"].as_u64().unwrap() > 0);
    zk(
        &dir,
        "compile-circuit -M network.onnx --compiled-circuit model.compiled -S settings.json",
    );
    zk(&dir, &format!("gen-srs --srs-path kzg.srs --logrows {k}"));
    zk(
        &dir,
        "setup -M model.compiled --srs-path kzg.srs --vk-path vk.key --pk-path pk.key",
    );
    zk(
        &dir,
        "gen-witness -D input.json -M model.compiled -O witness.json",
    );
    let w = json(&dir, "witness.json");
    assert_eq!(w["inputs"][0].as_array().unwrap().len(), 8);
    assert_eq!(w["outputs"][0][0].as_str().unwrap().len(), 64);
    let floats: Vec<f64> = w["pretty_elements"]["rescaled_outputs"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    let reference = tract_run(&mlp(9), &[1, 8], &x);
    for (g, r) in floats.iter().zip(&reference) {
        assert!((g - *r as f64).abs() < 0.05, "{g} vs {r}");
    }
    zk(&dir, "mock -W witness.json -M model.compiled");
    zk(&dir, "prove -W witness.json -M model.compiled --pk-path pk.key --proof-path proof.json --srs-path kzg.srs --check-mode safe");
    let p = json(&dir, "proof.json");
    assert!(p["hex_proof"].as_str().unwrap().starts_with("0x"));
    assert_eq!(
        p["instances"][0].as_array().unwrap().len(),
        2 + 8 + reference.len(),
        "layout digest, params commitment, public input, public output"
    );
    assert_eq!(
        p["pretty_public_inputs"]["rescaled_outputs"][0]
            .as_array()
            .unwrap()
            .len(),
        reference.len()
    );
    let out = zk(
        &dir,
        "verify -S settings.json --proof-path proof.json --vk-path vk.key --srs-path kzg.srs",
    );
    assert!(out.contains("verified"), "{out}");

    // a changed public input: verify exits non-zero
    let mut bad = p.clone();
    bad["instances"][0][2] = serde_json::Value::String(format!("{:0<64}", "01"));
    std::fs::write(dir.join("bad.json"), serde_json::to_vec(&bad).unwrap()).unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_zkonnx"))
        .args(
            "verify -S settings.json --proof-path bad.json --vk-path vk.key --srs-path kzg.srs"
                .split(' '),
        )
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!st.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}
