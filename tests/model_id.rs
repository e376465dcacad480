//! The model ID, tried as an attacker would (issue 24). A params commitment binds the weights and
//! the salt, not the circuit: with the same weights and salt, another circuit (an op swapped in
//! the ONNX model, a step appended to `model.compiled`) verifies against a commitment alone, and
//! the verifiers now say the circuit was NOT pinned; against the model ID it is rejected. An SRS
//! (file or bundle) whose generators are not BN254's, or whose `g[1]` and `s·g2` disagree, is
//! refused wherever it is loaded, so a ceremony's label cannot be put on a forgeable SRS.
//!
//! With `ZKONNX_ATTACKS=DIR`, the cases are also written to DIR (proof.json, verifier.bundle,
//! expect.json per case) for the JavaScript verifier's and the verify page's tests.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use zkonnx::felt;
use zkonnx::formats::Proof;
use zkonnx::model::Compiled;
use zkonnx::pipeline::{self, Expect, Keys, Report};
use zkonnx::settings::{RunArgs, Visibility};
use zkonnx::verifier::trust::{Pinning, CLI_NAMES};
use zkonnx::verifier::Bundle;

struct Honest {
    c: Compiled,
    onnx: Vec<u8>,
    srs: Vec<u8>,
    keys: Keys,
    proof: Proof,
    commitment: String,
    model_id: String,
    x: Vec<f32>,
}

fn honest() -> &'static Honest {
    static H: OnceLock<Honest> = OnceLock::new();
    H.get_or_init(|| {
        let x = values(240, 8, -1.0, 1.0);
        let onnx = mlp(20);
        // hashed params: the params commitment alone is the weak pin these tests show
        let c = compile_at(&onnx, &x, 7, with_params(Visibility::Hashed));
        // large enough for the attacks' circuits (a Tanh table)
        let srs = pipeline::gen_srs(12, 11);
        let keys = pipeline::setup(&c, &srs).unwrap();
        let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
        let proof = pipeline::prove(&c, &w, &keys.pk, &srs).unwrap();
        let commitment = felt::to_hex_be(&pipeline::param_commitment(&c).unwrap());
        let model_id = pipeline::model_identity(&c, &keys.bundle)
            .unwrap()
            .model_id_hex();
        let h = Honest {
            c,
            onnx,
            srs,
            keys,
            proof,
            commitment,
            model_id,
            x,
        };
        save("honest", &h, &h.proof, &h.keys.bundle, true);
        h
    })
}

/// Write a case for the JavaScript tests (`ZKONNX_ATTACKS`): the proof, the bundle and what a
/// verifier pinning the honest model expects of it.
fn save(name: &str, h: &Honest, proof: &Proof, bundle: &[u8], honest: bool) {
    let Ok(dir) = std::env::var("ZKONNX_ATTACKS") else {
        return;
    };
    let d = Path::new(&dir).join(name);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("proof.json"), proof.to_json()).unwrap();
    std::fs::write(d.join("verifier.bundle"), bundle).unwrap();
    std::fs::write(
        d.join("expect.json"),
        format!(
            "{{\"modelId\": \"{}\", \"paramCommitment\": \"{}\", \"honest\": {honest}}}\n",
            h.model_id, h.commitment
        ),
    )
    .unwrap();
}

/// Both verifiers' reports of a proof: (vk + SRS, bundle).
fn reports(p: &Proof, c: &Compiled, keys: &Keys, srs: &[u8]) -> [Report; 2] {
    [
        pipeline::verify_report(p, &c.settings, &keys.vk, srs).unwrap(),
        pipeline::verify_bundle_report(p, &keys.bundle).unwrap(),
    ]
}

fn by_model_id(id: &str) -> Expect {
    Expect {
        model_id: Some(id.into()),
        ..Default::default()
    }
}

fn by_commitment(c: &str) -> Expect {
    Expect {
        param_commitment: Some(c.into()),
        ..Default::default()
    }
}

/// Setup, witness and proof of another circuit with the same SRS.
fn prove_other(h: &Honest, c: &Compiled) -> (Keys, Proof) {
    let keys = pipeline::setup(c, &h.srs).unwrap();
    let w = pipeline::gen_witness(c, &input_data(&h.x)).unwrap();
    let p = pipeline::prove(c, &w, &keys.pk, &h.srs).unwrap();
    (keys, p)
}

#[test]
fn the_honest_proof_passes_with_its_model_id() {
    let h = honest();
    for r in reports(&h.proof, &h.c, &h.keys, &h.srs) {
        assert!(r.valid);
        assert_eq!(
            r.identity.model_id_hex(),
            h.model_id,
            "one model ID everywhere"
        );
        assert_eq!(
            r.check(&by_model_id(&h.model_id), &CLI_NAMES),
            Ok(Pinning::Model)
        );
        // upper case and blanks are the same ID
        let loud = format!("  {}  ", h.model_id.to_uppercase().replacen("0X", "0x", 1));
        assert_eq!(r.check(&by_model_id(&loud), &CLI_NAMES), Ok(Pinning::Model));
        // what each partial expectation pins
        assert_eq!(
            r.check(&Expect::default(), &CLI_NAMES),
            Ok(Pinning::Nothing)
        );
        assert_eq!(
            r.check(&by_commitment(&h.commitment), &CLI_NAMES),
            Ok(Pinning::WeightsOnly)
        );
        let fp = Expect {
            fingerprint: Some(r.fingerprint.clone()),
            ..Default::default()
        };
        assert_eq!(r.check(&fp, &CLI_NAMES), Ok(Pinning::CircuitOnly));
        let both = Expect {
            fingerprint: Some(r.fingerprint.clone()),
            param_commitment: Some(h.commitment.clone()),
            ..Default::default()
        };
        assert_eq!(r.check(&both, &CLI_NAMES), Ok(Pinning::Model));
        // a malformed expectation is an error, not a pass
        let e = r.check(&by_model_id("0x1234"), &CLI_NAMES).unwrap_err();
        assert!(e.starts_with("--model-id:"), "{e}");
    }
    // the model ID is the bundle's fingerprint and the commitment (the documented recipe)
    let b = Bundle::from_bytes(&h.keys.bundle).unwrap();
    let mut bytes = b"zkonnx model id v1".to_vec();
    bytes.extend(b.fingerprint_bytes());
    let hex = h.commitment.trim_start_matches("0x");
    bytes.extend((0..32).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()));
    let want = blake2b_simd::Params::new().hash_length(32).hash(&bytes);
    let want: String = want.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(h.model_id, format!("0x{want}"));
}

#[test]
fn another_op_with_the_same_weights_and_salt_is_another_model() {
    let h = honest();
    // the attack: the ONNX model's Relu byte-patched to Tanh, compiled at the same
    // scales with the honest model's salt: the same params commitment, another circuit
    let mut patched = h.onnx.clone();
    let mut n = 0;
    while let Some(at) = patched.windows(4).position(|w| w == b"Relu") {
        patched[at..at + 4].copy_from_slice(b"Tanh");
        n += 1;
    }
    assert!(
        n >= 1,
        "the op type is patched (and the node's name with it)"
    );
    // the honest run arguments (scales, lookup range, lanes), so the weights pack alike
    let mut ra = h.c.settings.run_args.clone();
    ra.logrows = 12; // room for the Tanh table
    let s = pipeline::gen_settings(&patched, ra).unwrap();
    let mut c = pipeline::compile_circuit(&patched, &s).unwrap();
    c.param_salt = h.c.param_salt.clone();
    assert!(c.graph.steps.iter().any(|s| s.op_type == "Tanh"));
    assert_eq!(
        felt::to_hex_be(&pipeline::param_commitment(&c).unwrap()),
        h.commitment,
        "the same weights and salt: the same commitment"
    );
    let (keys, p) = prove_other(h, &c);
    assert_ne!(
        p.pretty_public_inputs.rescaled_outputs, h.proof.pretty_public_inputs.rescaled_outputs,
        "another circuit, other outputs"
    );
    save("op_swapped", h, &p, &keys.bundle, false);
    for r in reports(&p, &c, &keys, &h.srs) {
        assert!(r.valid, "a valid proof of the other circuit");
        // a commitment alone still accepts it, but says the circuit was not pinned
        let pinned = r.check(&by_commitment(&h.commitment), &CLI_NAMES).unwrap();
        assert_eq!(pinned, Pinning::WeightsOnly);
        assert!(pinned.statement().contains("circuit was NOT pinned"));
        // the model ID rejects it
        let e = r.check(&by_model_id(&h.model_id), &CLI_NAMES).unwrap_err();
        assert!(e.starts_with("--model-id: MISMATCH"), "{e}");
    }
}

#[test]
fn a_step_appended_to_the_compiled_model_is_another_model() {
    let h = honest();
    // the second attack: the prover's model.compiled with one step appended (here a
    // gather that swaps classes 1 and 2 of the output), the same weights and salt
    let mut c = h.c.clone();
    let out = c.graph.outputs[0];
    let n = c.graph.len_of(out);
    assert_eq!(n, 3);
    let moved = c.graph.shapes.len();
    c.graph.shapes.push(c.graph.shapes[out].clone());
    c.graph.steps.push(zkonnx::quant::QStep {
        node: "appended".into(),
        op_type: "Gather".into(),
        op: zkonnx::quant::QOp::Gather(vec![(0, 0), (0, 2), (0, 1)]),
        inputs: vec![out],
        output: moved,
    });
    c.graph.outputs = vec![moved];
    // it is a loadable compiled model
    let c = Compiled::from_bytes(&c.to_bytes()).expect("the doctored model.compiled loads");
    assert_eq!(
        felt::to_hex_be(&pipeline::param_commitment(&c).unwrap()),
        h.commitment
    );
    let (keys, p) = prove_other(h, &c);
    let (a, b) = (
        &p.pretty_public_inputs.rescaled_outputs[0],
        &h.proof.pretty_public_inputs.rescaled_outputs[0],
    );
    assert_eq!((&a[1], &a[2]), (&b[2], &b[1]), "the outputs moved");
    save("step_appended", h, &p, &keys.bundle, false);
    for r in reports(&p, &c, &keys, &h.srs) {
        assert!(r.valid);
        assert_eq!(
            r.check(&by_commitment(&h.commitment), &CLI_NAMES),
            Ok(Pinning::WeightsOnly)
        );
        let e = r.check(&by_model_id(&h.model_id), &CLI_NAMES).unwrap_err();
        assert!(e.contains("MISMATCH"), "{e}");
    }
    // and the honest keys do not take it: its proof does not verify with them
    assert!(!pipeline::verify_bundle(&p, &h.keys.bundle).unwrap());
}

/// The SRS file's `g2` and `s·g2` (raw layout) overwritten.
/// Where halo2's layout ends (`g2`, `s·g2` are its last 256 bytes; zkonnx's files carry the
/// smaller Lagrange bases after it).
fn g2s_end(srs: &[u8]) -> usize {
    let k = u32::from_le_bytes(srs[..4].try_into().unwrap());
    4 + 2 * (1usize << k) * 64 + 256
}

fn with_g2s(srs: &[u8], g2: &[u8; 128], s_g2: &[u8; 128]) -> Vec<u8> {
    let mut b = srs.to_vec();
    let n = g2s_end(srs);
    b[n - 256..n - 128].copy_from_slice(g2);
    b[n - 128..n].copy_from_slice(s_g2);
    b
}

fn s_g2_raw(srs: &[u8]) -> [u8; 128] {
    let n = g2s_end(srs);
    srs[n - 128..n].try_into().unwrap()
}

#[test]
fn spoofed_srs_files_are_refused_everywhere() {
    use zkonnx::verifier::srs_label::PPOT_0080;
    let h = honest();
    let g2 = h.srs[g2s_end(&h.srs) - 256..g2s_end(&h.srs) - 128].to_vec();
    let g2: [u8; 128] = g2.try_into().unwrap();
    let own = s_g2_raw(&h.srs);
    let spoofs: Vec<(&str, Vec<u8>)> = vec![
        // the attack: g2 = s·g2 = PPoT 0080's τ·G2 (formerly labelled that ceremony)
        (
            "g2 = s·g2 = a ceremony's",
            with_g2s(&h.srs, &PPOT_0080.s_g2, &PPOT_0080.s_g2),
        ),
        ("g2 = s·g2", with_g2s(&h.srs, &own, &own)),
        // the generators right, a ceremony's τ·G2 beside the development g[1]
        ("s·g2 of a ceremony", with_g2s(&h.srs, &g2, &PPOT_0080.s_g2)),
        ("g2 = s·g2 and s·g2 = g2", with_g2s(&h.srs, &own, &g2)),
    ];
    for (what, bad) in &spoofs {
        let info = zkonnx::srs::info(bad);
        assert!(
            matches!(info, Err(zkonnx::srs::SrsError::Spoofed(_))),
            "{what}: {info:?}"
        );
        let e = pipeline::verify_report(&h.proof, &h.c.settings, &h.keys.vk, bad)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("SRS rejected:"), "{what}: {e}");
        let e = pipeline::setup(&h.c, bad).unwrap_err().to_string();
        assert!(e.starts_with("SRS rejected:"), "{what}: {e}");
        let e = pipeline::bundle(&h.keys.vk, bad, &h.c.settings)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("SRS rejected:"), "{what}: {e}");
    }
    // g[0] moved off the generator
    let mut bad = h.srs.clone();
    bad[4..68].copy_from_slice(&h.srs[68..132]);
    let e = zkonnx::srs::info(&bad).unwrap_err().to_string();
    assert!(e.contains("g[0] is not the BN254 G1 generator"), "{e}");
    // g[1] not the power of s·g2's secret
    let mut bad = h.srs.clone();
    bad[68..132].copy_from_slice(&h.srs[132..196]);
    let e = zkonnx::srs::info(&bad).unwrap_err().to_string();
    assert!(e.contains("e(g[1], g2) != e(g[0], s·g2)"), "{e}");
    // the honest file still loads and is labelled
    assert_eq!(
        zkonnx::srs::info(&h.srs).unwrap().label,
        zkonnx::srs::SrsLabel::Development
    );
}

#[test]
fn spoofed_bundles_are_refused() {
    use zkonnx::verifier::encoding::g2_from_bytes;
    use zkonnx::verifier::srs_label::{canonical_from_raw, PPOT_0080};
    let h = honest();
    let honest_bundle = Bundle::from_bytes(&h.keys.bundle).unwrap();
    let ppot = g2_from_bytes(&canonical_from_raw(&PPOT_0080.s_g2).unwrap()).unwrap();
    let mut cases: Vec<(&str, Bundle)> = vec![];
    let mut b = honest_bundle.clone();
    b.g2 = ppot;
    b.s_g2 = ppot;
    cases.push(("g2 = s·g2 = a ceremony's", b));
    let mut b = honest_bundle.clone();
    b.g2 = b.s_g2;
    cases.push(("g2 = s·g2", b));
    let mut b = honest_bundle.clone();
    b.s_g2 = ppot;
    cases.push(("a ceremony's s·g2 beside the development g[1]", b));
    let mut b = honest_bundle.clone();
    b.g1 = b.s_g1;
    cases.push(("g[0] off the generator", b));
    for (i, (what, b)) in cases.iter().enumerate() {
        let bytes = b.to_bytes();
        let e = Bundle::from_bytes(&bytes).unwrap_err().to_string();
        assert!(
            e.starts_with("verification bundle: SRS rejected:"),
            "{what}: {e}"
        );
        let e = pipeline::verify_bundle_report(&h.proof, &bytes)
            .unwrap_err()
            .to_string();
        assert!(e.contains("SRS rejected"), "{what}: {e}");
        if i == 0 {
            // the case, for the JavaScript tests: the honest proof, the spoofed bundle
            save("spoofed_bundle", h, &h.proof, &bytes, false);
        }
    }
    // a bundle of the previous format (Blake2b-transcript proofs): a versioned error
    let mut old = h.keys.bundle.clone();
    old[8] = 3;
    let e = Bundle::from_bytes(&old).unwrap_err().to_string();
    assert!(e.contains("format version 3, this verifier reads 4"), "{e}");
    assert!(e.contains("Blake2b"), "{e}");
}

fn zk(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zkonnx"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_commit_and_verify_with_the_model_id() {
    let h = honest();
    let dir = std::env::temp_dir().join(format!("zkonnx-model-id-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let w = |name: &str, b: &[u8]| std::fs::write(dir.join(name), b).unwrap();
    w("network.onnx", &h.onnx);
    w("settings.json", &h.c.settings.to_json());
    w("model.compiled", &h.c.to_bytes());
    w("kzg.srs", &h.srs);
    w("vk.key", &h.keys.vk);
    w("verifier.bundle", &h.keys.bundle);
    w("proof.json", &h.proof.to_json());

    // commit -M model.compiled: the bundle beside it
    let (ok, out, err) = zk(&dir, &["commit", "-M", "model.compiled"]);
    assert!(ok, "{err}");
    assert!(out.contains(&format!("model id {}\n", h.model_id)), "{out}");
    assert!(out.contains(&format!("param commitment {}", h.commitment)));
    assert!(err.contains(zkonnx::verifier::trust::PUBLISH), "{err}");
    // with the vk and the SRS instead: the same ID
    let (ok, out, _) = zk(
        &dir,
        &[
            "commit",
            "-M",
            "model.compiled",
            "--vk-path",
            "vk.key",
            "--srs-path",
            "kzg.srs",
        ],
    );
    assert!(ok && out.contains(&h.model_id), "{out}");
    // the ONNX model with its settings and the salt compile-circuit made
    let salt = h.c.param_salt.clone().unwrap();
    w("network.salt", format!("{salt}\n").as_bytes());
    let (ok, out, err) = zk(
        &dir,
        &["commit", "-M", "network.onnx", "-S", "settings.json"],
    );
    assert!(ok, "{err}");
    assert!(out.contains(&h.model_id), "{out}");
    // recalibrating once a salt sits beside the model: a warning that the published commitment
    // or model ID changes (here the settings' scale moves, so the commitment does)
    let x: Vec<String> = h.x.iter().map(|v| v.to_string()).collect();
    w(
        "calibration.json",
        format!("{{\"input_data\": [[{}]]}}", x.join(",")).as_bytes(),
    );
    w("recal.json", &h.c.settings.to_json());
    let (ok, _, err) = zk(
        &dir,
        &[
            "calibrate-settings",
            "-M",
            "network.onnx",
            "-D",
            "calibration.json",
            "-O",
            "recal.json",
            "--scales",
            "9",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        err.contains("network.salt exists") && err.contains("change the params commitment"),
        "{err}"
    );
    // a missing salt is an error naming the file; none is made
    let (ok, _, err) = zk(
        &dir,
        &["commit", "-M", "network.onnx", "--salt-path", "fresh.salt"],
    );
    assert!(!ok);
    assert!(err.contains("no params salt at fresh.salt"), "{err}");
    assert!(
        !dir.join("fresh.salt").exists(),
        "commit never makes a salt"
    );
    // keys of another model: refused
    let other = pipeline::compile_circuit(&mlp(41), &h.c.settings).unwrap();
    w("other.compiled", &other.to_bytes());
    let (ok, out, _) = zk(
        &dir,
        &[
            "commit",
            "-M",
            "other.compiled",
            "--bundle-path",
            "verifier.bundle",
        ],
    );
    assert!(ok);
    assert!(
        !out.contains(&h.model_id),
        "other weights, another model ID: {out}"
    );

    let verify = |extra: &[&str], light: bool| {
        let a = verify_args(light, extra);
        zk(&dir, &a)
    };
    for light in [false, true] {
        let (ok, out, err) = verify(&["--model-id", &h.model_id], light);
        assert!(ok, "{err}");
        assert!(out.contains(zkonnx::verifier::trust::Pinning::Model.statement()));
        assert!(out.contains(&format!("model id   {}", h.model_id)));
        // a commitment alone passes, and says the circuit was not pinned
        let (ok, out, err) = verify(&["--param-commitment", &h.commitment], light);
        assert!(ok);
        assert!(out.contains("circuit was NOT pinned"), "{out}");
        assert!(err.contains(zkonnx::verifier::trust::PIN), "{err}");
        // nothing expected: it says nothing published was compared
        let (ok, out, _) = verify(&[], light);
        assert!(
            ok && out.contains("nothing published was compared"),
            "{out}"
        );
        // another model ID: rejected, and no report is printed
        let (ok, out, err) = verify(&["--model-id", &format!("0x{}", "ab".repeat(32))], light);
        assert!(!ok);
        assert!(err.contains("--model-id: MISMATCH"), "{err}");
        assert!(
            !out.contains("output 0"),
            "no report for a rejected proof: {out}"
        );
        // an output commitment of public outputs: an error
        let (ok, _, err) = verify(&["--output-commitment", &h.commitment], light);
        assert!(!ok && err.contains("not hashed"), "{err}");
        // an empty value (an unset shell variable) is an error, never a skipped comparison
        for flags in [
            ["--model-id", ""],
            ["--output-commitment", ""],
            ["--input-commitment", ","],
        ] {
            let (ok, _, err) = verify(&flags, light);
            assert!(!ok && err.contains("empty"), "{flags:?}: {err}");
        }
        // `_` leaves a tensor uncompared, on purpose
        let (ok, out, _) = verify(
            &["--model-id", &h.model_id, "--output-commitment", "_"],
            light,
        );
        assert!(ok && out.contains("model ID matches"), "{out}");
    }
    // a spoofed SRS file: refused by srs info and verify, naming the file
    let spoof = with_g2s(
        &h.srs,
        &zkonnx::verifier::srs_label::PPOT_0080.s_g2,
        &zkonnx::verifier::srs_label::PPOT_0080.s_g2,
    );
    w("spoof.srs", &spoof);
    let (ok, out, err) = zk(&dir, &["srs", "info", "spoof.srs"]);
    assert!(!ok, "{out}");
    assert!(
        !out.contains("ceremony"),
        "no label for a spoofed SRS: {out}"
    );
    assert!(
        err.contains("spoof.srs") && err.contains("SRS rejected"),
        "{err}"
    );
    let (ok, _, err) = zk(
        &dir,
        &[
            "verify",
            "--proof-path",
            "proof.json",
            "-S",
            "settings.json",
            "--vk-path",
            "vk.key",
            "--srs-path",
            "spoof.srs",
            "--model-id",
            &h.model_id,
        ],
    );
    assert!(!ok && err.contains("spoof.srs: SRS rejected"), "{err}");
    let (ok, _, err) = zk(
        &dir,
        &[
            "setup",
            "-M",
            "model.compiled",
            "--srs-path",
            "spoof.srs",
            "--vk-path",
            "x.vk",
            "--pk-path",
            "x.pk",
        ],
    );
    assert!(!ok && err.contains("spoof.srs: SRS rejected"), "{err}");
    assert!(!dir.join("x.vk").exists(), "no keys on a spoofed SRS");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn fixed_params_are_reported_bound_by_the_keys() {
    use zkonnx::settings::Visibility;
    use zkonnx::verifier::trust::Params;
    let h = honest();
    let ra = RunArgs {
        param_visibility: Visibility::Fixed,
        ..RunArgs::default()
    };
    let c = compile_at(&h.onnx, &h.x, 7, ra);
    let (keys, p) = prove_other(h, &c);
    let id = pipeline::model_identity(&c, &keys.bundle).unwrap();
    assert_eq!(id.params, Params::Fixed);
    assert_eq!(id.param_commitment, None);
    for r in reports(&p, &c, &keys, &h.srs) {
        assert!(r.valid);
        assert_eq!(r.identity.params, Params::Fixed);
        assert!(r
            .identity
            .params
            .meaning()
            .contains("bound by the fingerprint"));
        // the weights are in the keys: the fingerprint pins the whole model
        let fp = Expect {
            fingerprint: Some(r.fingerprint.clone()),
            ..Default::default()
        };
        assert_eq!(r.check(&fp, &CLI_NAMES), Ok(Pinning::Model));
        assert_eq!(
            r.check(&by_model_id(&id.model_id_hex()), &CLI_NAMES),
            Ok(Pinning::Model)
        );
    }
    // a settings file that calls private params fixed reads the proof with another layout
    let private = compile_at(
        &h.onnx,
        &h.x,
        7,
        RunArgs {
            param_visibility: Visibility::Private,
            ..RunArgs::default()
        },
    );
    let (pkeys, pp) = prove_other(h, &private);
    let r = pipeline::verify_bundle_report(&pp, &pkeys.bundle).unwrap();
    assert_eq!(r.identity.params, Params::Private);
    assert!(r.identity.params.meaning().starts_with("NOT bound"));
    let mut lie = private.settings.clone();
    lie.run_args.param_visibility = Visibility::Fixed;
    let e = pipeline::verify_report(&pp, &lie, &pkeys.vk, &h.srs)
        .unwrap_err()
        .to_string();
    assert!(e.contains("layout digest"), "{e}");
}
