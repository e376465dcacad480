//! What a proof binds, tried as an attacker would. With `hashed` params a proof made
//! with other weights than the committed ones is rejected by a verifier that knows the honest
//! commitment: a doctored `model.compiled` (the last Gemm's weights zeroed, its bias set), another
//! model of the same architecture, a claimed honest commitment over other weights. Two models of
//! one architecture share one vk and have two commitments. A changed salt or parameter fails
//! `mock`. The verifier reads what it reports from the instances: edited `pretty_public_inputs`
//! and a doctored settings file are caught; the `--*-commitment` / `--fingerprint` flags reject
//! mismatches.

mod common;

use common::*;
use std::process::Command;
use std::sync::OnceLock;
use zkonnx::felt;
use zkonnx::formats::Proof;
use zkonnx::model::Compiled;
use zkonnx::pipeline::{self, Expect, Keys};
use zkonnx::settings::{RunArgs, Visibility};
use zkonnx::verifier::trust::CLI_NAMES;

struct Honest {
    c: Compiled,
    srs: Vec<u8>,
    keys: Keys,
    proof: Proof,
    commitment: String,
    x: Vec<f32>,
}

fn honest() -> &'static Honest {
    static H: OnceLock<Honest> = OnceLock::new();
    H.get_or_init(|| {
        let x = values(120, 8, -1.0, 1.0);
        // hashed params: this file's subject, the params commitment in every proof
        let c = compile_at(&mlp(20), &x, 7, with_params(Visibility::Hashed));
        let srs = pipeline::gen_srs(c.settings.run_args.logrows, 7);
        let keys = pipeline::setup(&c, &srs).unwrap();
        let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
        let proof = pipeline::prove(&c, &w, &keys.pk, &srs).unwrap();
        let commitment = felt::to_hex_be(&pipeline::param_commitment(&c).unwrap());
        Honest {
            c,
            srs,
            keys,
            proof,
            commitment,
            x,
        }
    })
}

fn expect(commitment: &str) -> Expect {
    Expect {
        param_commitment: Some(commitment.into()),
        ..Default::default()
    }
}

/// Both verifiers: (valid, the commitment check's verdict).
fn judge(h: &Honest, p: &Proof) -> [(bool, Result<(), String>); 2] {
    let e = expect(&h.commitment);
    let native = pipeline::verify_report(p, &h.c.settings, &h.keys.vk, &h.srs).unwrap();
    let light = pipeline::verify_bundle_report(p, &h.keys.bundle).unwrap();
    [
        (native.valid, native.check(&e, &CLI_NAMES).map(|_| ())),
        (light.valid, light.check(&e, &CLI_NAMES).map(|_| ())),
    ]
}

#[test]
fn honest_proof_passes_with_its_commitment() {
    let h = honest();
    for (valid, check) in judge(h, &h.proof) {
        assert!(valid);
        check.unwrap();
    }
    // the commitment in the proof's instances is the one `commit` computes
    assert_eq!(
        h.proof.pretty_public_inputs.param_commitment.as_deref(),
        Some(h.commitment.as_str())
    );
}

#[test]
fn doctored_compiled_model_is_rejected() {
    let h = honest();
    // the attack of the issue: in the prover's copy of model.compiled, the last Gemm's weights
    // zeroed and its bias set; proven with the original pk
    let mut bad = h.c.clone();
    let n = bad.graph.params.len();
    bad.graph.params[n - 2]
        .values
        .iter_mut()
        .for_each(|v| *v = 0);
    bad.graph.params[n - 1]
        .values
        .iter_mut()
        .enumerate()
        .for_each(|(i, v)| *v = 100 * (i as i64 + 1));
    let w = pipeline::gen_witness(&bad, &input_data(&h.x)).unwrap();
    assert_ne!(
        w.pretty_elements.outputs,
        pipeline::gen_witness(&h.c, &input_data(&h.x))
            .unwrap()
            .pretty_elements
            .outputs,
        "the doctored model gives other outputs"
    );
    let forged = pipeline::prove(&bad, &w, &h.keys.pk, &h.srs).unwrap();
    for (valid, check) in judge(h, &forged) {
        // the proof is internally consistent (it commits to the doctored weights) ...
        assert!(valid);
        // ... and that commitment is not the published one
        let err = check.unwrap_err();
        assert!(err.contains("MISMATCH"), "{err}");
    }

    // the forger claims the honest commitment: the proof does not verify
    let tr_inputs = pipeline::quantize_input(&bad, &input_data(&h.x)).unwrap();
    let tr = pipeline::trace(&bad, &tr_inputs).unwrap();
    let mut inst =
        pipeline::instances_of(&bad, &tr_inputs, &tr.outputs(&bad.graph), &salts(&bad)).unwrap();
    inst[1] = felt::from_hex_be(&h.commitment).unwrap();
    let mock = zkonnx::proof::mock(&bad, &tr, &salts(&bad), inst.clone());
    let err = mock.unwrap_err().to_string();
    assert!(
        err.contains("Equality constraint not satisfied"),
        "the sponge's output is not the claimed instance: {err}"
    );
    let pk = zkonnx::keys::pk_from_bytes(&h.keys.pk, &bad.settings).unwrap();
    let params = zkonnx::srs::load_for_k(&h.srs, bad.settings.run_args.logrows).unwrap();
    let bytes = zkonnx::proof::prove(&bad, &tr, &salts(&bad), &inst, &pk, &params, &[]).unwrap();
    let (vk, _) = zkonnx::keys::vk_from_bytes(&h.keys.vk, &bad.settings).unwrap();
    assert!(!zkonnx::proof::verify(&bytes, &inst, &vk, params.kzg(), &[]).unwrap());
}

#[test]
fn same_architecture_other_weights_one_vk_two_commitments() {
    let h = honest();
    let other = pipeline::compile_circuit(&mlp(41), &h.c.settings).unwrap();
    let keys = pipeline::setup(&other, &h.srs).unwrap();
    assert_eq!(keys.vk, h.keys.vk, "one architecture, one vk");
    assert_eq!(keys.bundle, h.keys.bundle, "one architecture, one bundle");
    let c2 = felt::to_hex_be(&pipeline::param_commitment(&other).unwrap());
    assert_ne!(c2, h.commitment, "two models, two commitments");
    // even with the honest model's salt, the commitments differ
    let mut same_salt = other.clone();
    same_salt.param_salt = h.c.param_salt.clone();
    assert_ne!(
        felt::to_hex_be(&pipeline::param_commitment(&same_salt).unwrap()),
        h.commitment
    );
    // a proof of the other model verifies as a proof, but not as one of the committed model
    let w = pipeline::gen_witness(&other, &input_data(&h.x)).unwrap();
    let p = pipeline::prove(&other, &w, &h.keys.pk, &h.srs).unwrap();
    for (valid, check) in judge(h, &p) {
        assert!(valid);
        assert!(check.unwrap_err().contains("MISMATCH"));
    }
}

#[test]
fn changed_salt_or_parameter_fails_mock() {
    let h = honest();
    let c = &h.c;
    let inputs = pipeline::quantize_input(c, &input_data(&h.x)).unwrap();
    let tr = pipeline::trace(c, &inputs).unwrap();
    let inst = pipeline::instances_of(c, &inputs, &tr.outputs(&c.graph), &salts(c)).unwrap();
    zkonnx::proof::mock(c, &tr, &salts(c), inst.clone()).unwrap();
    // another salt in the witness, the honest commitment in the instance
    let mut s = salts(c);
    s.params = Some(s.params.unwrap() + halo2curves::bn256::Fr::one());
    assert!(zkonnx::proof::mock(c, &tr, &s, inst.clone()).is_err());
    // one parameter changed by one (the trace recomputed with it), the honest instances
    for (id, idx) in [(0, 0), (c.graph.params.len() - 1, 0)] {
        let mut bad = c.clone();
        bad.graph.params[id].values[idx] += 1;
        let tr = pipeline::trace(&bad, &inputs).unwrap();
        let mut inst2 =
            pipeline::instances_of(&bad, &inputs, &tr.outputs(&bad.graph), &salts(&bad)).unwrap();
        inst2[1] = inst[1];
        assert!(
            zkonnx::proof::mock(&bad, &tr, &salts(&bad), inst2).is_err(),
            "param {id}[{idx}] + 1 accepted"
        );
    }
}

#[test]
fn edited_pretty_values_and_doctored_settings_are_caught() {
    let h = honest();
    // pretty_public_inputs edited to "42": an error, whatever the proof
    let mut p = h.proof.clone();
    p.pretty_public_inputs.rescaled_outputs[0][0] = "42".into();
    for r in [
        pipeline::verify_report(&p, &h.c.settings, &h.keys.vk, &h.srs).map(|_| ()),
        pipeline::verify_bundle_report(&p, &h.keys.bundle).map(|_| ()),
    ] {
        let e = r.unwrap_err().to_string();
        assert!(e.contains("pretty_public_inputs"), "{e}");
    }
    // a settings file that reads the public values with another scale or visibility
    let mut s = h.c.settings.clone();
    s.model_output_scales[0] += 1;
    let e = pipeline::verify_report(&h.proof, &s, &h.keys.vk, &h.srs)
        .unwrap_err()
        .to_string();
    assert!(e.contains("layout digest"), "{e}");
    let mut s = h.c.settings.clone();
    s.run_args.input_visibility = zkonnx::settings::Visibility::Hashed;
    assert!(pipeline::verify_report(&h.proof, &s, &h.keys.vk, &h.srs).is_err());
}

#[test]
fn cli_commit_verify_flags() {
    let h = honest();
    let dir = std::env::temp_dir().join(format!("zkonnx-commit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = env!("CARGO_BIN_EXE_zkonnx");
    let run = |args: &[&str]| {
        Command::new(bin)
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    std::fs::write(dir.join("network.onnx"), mlp(20)).unwrap();
    std::fs::write(dir.join("settings.json"), h.c.settings.to_json()).unwrap();
    std::fs::write(dir.join("proof.json"), h.proof.to_json()).unwrap();
    std::fs::write(dir.join("verifier.bundle"), &h.keys.bundle).unwrap();
    std::fs::write(dir.join("vk.key"), &h.keys.vk).unwrap();
    std::fs::write(dir.join("kzg.srs"), &h.srs).unwrap();
    // `commit` with the model's salt prints the commitment the proof carries (and, with the
    // bundle, the model ID: tests/model_id.rs)
    let salt = h.c.param_salt.clone().unwrap();
    std::fs::write(dir.join("network.salt"), format!("{salt}\n")).unwrap();
    let out = run(&["commit", "-M", "network.onnx", "-S", "settings.json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("param commitment {}\n", h.commitment)),
        "{stdout}"
    );
    assert!(stdout.contains("model id 0x"), "{stdout}");
    // `commit` without a salt file is an error, and makes none
    let out = run(&[
        "commit",
        "-M",
        "network.onnx",
        "-S",
        "settings.json",
        "--salt-path",
        "fresh.salt",
    ]);
    assert!(!out.status.success());
    assert!(!dir.join("fresh.salt").exists());

    let verify = |extra: &[&str], light: bool| {
        let a = verify_args(light, extra);
        run(&a)
    };
    let wrong = felt::to_hex_be(&halo2curves::bn256::Fr::from(5u64));
    let fp = zkonnx::verifier::Bundle::from_bytes(&h.keys.bundle)
        .unwrap()
        .fingerprint();
    for light in [false, true] {
        let out = verify(
            &["--param-commitment", &h.commitment, "--fingerprint", &fp],
            light,
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // the report: decoded values, the commitment, the fingerprint, the SRS label
        assert!(stdout.contains(&h.commitment), "{stdout}");
        assert!(stdout.contains(&fp), "{stdout}");
        assert!(stdout.contains("output 0"), "{stdout}");
        assert!(stdout.contains("UNSAFE development SRS"), "{stdout}");
        assert!(stdout.contains("verified: true"));
        // without an expected commitment it still verifies and prints the one it saw
        assert!(verify(&[], light).status.success());
        for flags in [
            vec!["--param-commitment", wrong.as_str()],
            vec!["--fingerprint", "00"],
            vec!["--output-commitment", wrong.as_str()],
        ] {
            let out = verify(&flags, light);
            assert!(!out.status.success(), "{flags:?} accepted (light {light})");
            assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hashed_inputs_and_outputs_with_salts() {
    let x = values(7, 8, -1.0, 1.0);
    let ra = RunArgs {
        input_visibility: zkonnx::settings::Visibility::Hashed,
        output_visibility: zkonnx::settings::Visibility::Hashed,
        ..with_params(Visibility::Hashed)
    };
    let c = compile_at(&mlp(30), &x, 7, ra);
    let layout = zkonnx::publics::layout(&c.settings);
    assert_eq!(
        layout.num_instances(),
        4,
        "digest, params, input and output commitments"
    );
    let mut w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    pipeline::mock(&c, &w).unwrap();
    let unsalted = w.processed_inputs.clone().unwrap().poseidon_hash[0].clone();
    // a salted input: another commitment, still satisfied; it is the native one
    let salt = felt::to_hex_be(&halo2curves::bn256::Fr::from(987654321u64));
    w.input_salts = vec![salt.clone()];
    w.output_salts = vec![salt.clone()];
    pipeline::fill_commitments(&c, &mut w).unwrap();
    let salted = w.processed_inputs.clone().unwrap().poseidon_hash[0].clone();
    assert_ne!(salted, unsalted);
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let native = zkonnx::commitment::commit(
        zkonnx::commitment::Kind::Input,
        &inputs[0],
        felt::from_hex_be(&salt).unwrap(),
        c.settings.limb_bits(),
    )
    .unwrap();
    assert_eq!(felt::to_hex_be(&native), salted);
    pipeline::mock(&c, &w).unwrap();
    // a moved output with the output commitment kept: mock fails
    let tr = pipeline::trace(&c, &inputs).unwrap();
    let mut s = salts(&c);
    s.inputs = vec![Some(felt::from_hex_be(&salt).unwrap())];
    s.outputs = vec![Some(felt::from_hex_be(&salt).unwrap())];
    let inst = pipeline::instances_of(&c, &inputs, &tr.outputs(&c.graph), &s).unwrap();
    zkonnx::proof::mock(&c, &tr, &s, inst.clone()).unwrap();
    let mut moved = tr.clone();
    moved.values[c.graph.outputs[0]][0] += 1;
    assert!(zkonnx::proof::mock(&c, &moved, &s, inst).is_err());
    // too many salts is an error naming the field
    w.input_salts.push(salt);
    let e = pipeline::mock(&c, &w).unwrap_err().to_string();
    assert!(e.contains("input_salts"), "{e}");
}
