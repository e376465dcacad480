//! The step-by-step CLI flow, with ezkl's command lines and the program name swapped:
//! gen-settings -> calibrate-settings -> compile-circuit -> gen-srs -> setup -> gen-witness ->
//! mock -> prove -> verify, then the files read as ezkl's readers expect.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn zk(dir: &Path, args: &str) -> String {
    let (ok, text) = zk_any(dir, args);
    assert!(ok, "zkonnx {args} failed:\n{text}");
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
    // the proving key is streamed to `<path>.part`, renamed once complete; read as it comes
    assert!(!dir.join("pk.key.part").exists());
    let pk = std::fs::read(dir.join("pk.key")).unwrap();
    for (name, bytes) in [
        ("cut.key", &pk[..pk.len() / 2]),
        ("long.key", &[&pk[..], &[0]].concat()[..]),
    ] {
        std::fs::write(dir.join(name), bytes).unwrap();
        let (ok, out) = zk_any(&dir, &format!("prove -W witness.json -M model.compiled --pk-path {name} --proof-path p2.json --srs-path kzg.srs"));
        assert!(!ok && out.contains("proving key"), "{name}: {out}");
    }
    // a setup that fails leaves no key behind, whole or partial
    zk(
        &dir,
        &format!("gen-srs --srs-path small.srs --logrows {}", k - 1),
    );
    let (ok, out) = zk_any(
        &dir,
        "setup -M model.compiled --srs-path small.srs --vk-path v2.key --pk-path p2.key",
    );
    assert!(!ok && out.contains("small.srs"), "{out}");
    assert!(!dir.join("p2.key").exists() && !dir.join("p2.key.part").exists());
    let p = json(&dir, "proof.json");
    assert!(p["hex_proof"].as_str().unwrap().starts_with("0x"));
    assert_eq!(
        p["instances"][0].as_array().unwrap().len(),
        1 + 8 + reference.len(),
        "layout digest, public input, public output (params committed by default: no instance)"
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
    let (ok, text) = zk_any(
        &dir,
        "verify -S settings.json --proof-path bad.json --vk-path vk.key --srs-path kzg.srs",
    );
    assert!(!ok && !text.contains("different keys"), "{text}");

    // the same model's keys from another SRS: INVALID, and the message says "different keys"
    // (from the proof's keys_fingerprint, a hint only: the verdict is the same without it)
    zk(
        &dir,
        &format!("gen-srs --srs-path other.srs --logrows {k} --seed 7"),
    );
    zk(&dir, "setup -M model.compiled --srs-path other.srs --vk-path other.vk --pk-path other.pk --bundle-path other.bundle");
    let (ok, text) = zk_any(
        &dir,
        "verify --proof-path proof.json --bundle-path other.bundle",
    );
    assert!(
        !ok && text.contains("INVALID") && text.contains("made with different keys"),
        "{text}"
    );
    let mut unhinted = p.clone();
    unhinted
        .as_object_mut()
        .unwrap()
        .remove("keys_fingerprint")
        .unwrap();
    std::fs::write(
        dir.join("unhinted.json"),
        serde_json::to_vec(&unhinted).unwrap(),
    )
    .unwrap();
    let (ok, text) = zk_any(
        &dir,
        "verify --proof-path unhinted.json --bundle-path other.bundle",
    );
    assert!(
        !ok && text.contains("INVALID") && !text.contains("different keys"),
        "{text}"
    );
    let (ok, text) = zk_any(
        &dir,
        "verify --proof-path unhinted.json --bundle-path verifier.bundle",
    );
    assert!(ok, "the hint is not needed to verify: {text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs zkonnx and returns (success, stdout + stderr), whatever the exit status.
fn zk_any(dir: &Path, args: &str) -> (bool, String) {
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
    (out.status.success(), text)
}

/// The flags (and positional arguments) of a help text that have no description: an entry is
/// a line of the Options/Arguments sections starting with `-` or `<`, with its continuation lines.
fn undescribed(help: &str) -> Vec<String> {
    let mut missing = vec![];
    let mut in_args = false;
    let mut entry: Option<(String, String)> = None;
    let finish = |e: Option<(String, String)>, missing: &mut Vec<String>| {
        if let Some((flag, desc)) = e {
            let mut d = desc;
            for tag in ["[default:", "[possible values:"] {
                if let Some(i) = d.find(tag) {
                    d.truncate(i);
                }
            }
            if !d.chars().any(|c| c.is_alphabetic()) {
                missing.push(flag);
            }
        }
    };
    for line in help.lines() {
        if !line.starts_with(' ') {
            finish(entry.take(), &mut missing);
            in_args = line.starts_with("Options:") || line.starts_with("Arguments:");
            continue;
        }
        if !in_args {
            continue;
        }
        let t = line.trim_start();
        let indent = line.len() - t.len();
        if indent <= 6 && (t.starts_with('-') || t.starts_with('<')) {
            finish(entry.take(), &mut missing);
            let (flag, rest) = t.split_once("  ").unwrap_or((t, ""));
            entry = Some((flag.to_string(), rest.to_string()));
        } else if let Some((_, d)) = entry.as_mut() {
            d.push(' ');
            d.push_str(t);
        }
    }
    finish(entry.take(), &mut missing);
    missing
}

#[test]
fn help_describes_every_flag_and_gives_the_step_order() {
    let dir = std::env::temp_dir();
    let (ok, top) = zk_any(&dir, "--help");
    assert!(ok, "{top}");
    // the steps, in order
    let steps = [
        "gen-settings",
        "calibrate-settings",
        "compile-circuit",
        "gen-srs",
        "setup",
        "gen-witness",
        "mock",
        "prove",
        "verify",
    ];
    let order = top
        .split("Steps, in order")
        .nth(1)
        .expect("step order in --help");
    let mut at = 0;
    for s in steps {
        let i = order[at..]
            .find(s)
            .unwrap_or_else(|| panic!("{s} after position {at}"));
        at += i + s.len();
    }
    // every subcommand's every flag has a description
    let commands: Vec<String> = top
        .split("Commands:")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 12, "{commands:?}");
    let mut all = commands.clone();
    all.push("srs import".into());
    all.push("srs info".into());
    let mut bad = vec![];
    for c in &all {
        let (ok, help) = zk_any(&dir, &format!("{c} --help"));
        assert!(ok, "{c}: {help}");
        for f in undescribed(&help) {
            bad.push(format!("{c}: {f}"));
        }
    }
    assert!(
        bad.is_empty(),
        "flags without a description:\n{}",
        bad.join("\n")
    );
    // the checker itself: a flag without text is caught
    assert_eq!(
        undescribed("Options:\n  -K, --logrows <LOGROWS>\n          [default: 17]\n"),
        vec!["-K, --logrows <LOGROWS>".to_string()]
    );
}

#[test]
fn wrong_order_and_wrong_file_give_hints() {
    let dir = std::env::temp_dir().join(format!("zkonnx-cli-hints-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("network.onnx"), mlp(9)).unwrap();
    let x = values(10, 8, -1.0, 1.0);
    std::fs::write(dir.join("input.json"), input_data(&x).to_json()).unwrap();
    zk(&dir, "gen-settings -M network.onnx -O settings.json -K 12");
    zk(
        &dir,
        "compile-circuit -M network.onnx --compiled-circuit model.compiled -S settings.json",
    );
    zk(
        &dir,
        "gen-witness -D input.json -M model.compiled -O witness.json",
    );

    // prove before setup: no pk.key
    let (ok, out) = zk_any(
        &dir,
        "prove -W witness.json -M model.compiled --srs-path kzg.srs",
    );
    assert!(!ok);
    assert!(out.contains("run `zkonnx setup` first"), "{out}");
    assert!(out.contains("pk.key"), "{out}");

    // the ONNX model where the compiled circuit is expected
    for cmd in [
        "gen-witness -D input.json -M network.onnx -O w.json",
        "mock -W witness.json -M network.onnx",
        "setup -M network.onnx --srs-path kzg.srs",
    ] {
        let (ok, out) = zk_any(&dir, cmd);
        assert!(!ok, "{cmd}");
        assert!(out.contains("looks like an ONNX model"), "{cmd}: {out}");
        assert!(out.contains("zkonnx compile-circuit"), "{cmd}: {out}");
    }
    // some other file: named as not a compiled circuit
    let (ok, out) = zk_any(&dir, "mock -W witness.json -M input.json");
    assert!(!ok);
    assert!(out.contains("input.json"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
