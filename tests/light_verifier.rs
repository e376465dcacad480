//! The light verifier (src/verifier: BN254 + Keccak, no halo2) against halo2's own verifier:
//! on every op model and on public inputs, outputs and fixed parameters, both accept honest
//! proofs and reject changed public values; on every single-byte change of a proof they give the
//! same answer (valid / invalid / malformed); another model's bundle is rejected; malformed or
//! truncated bundles and proofs are errors, never panics (proptest fuzzing, bounded).

mod common;

use common::*;
use proptest::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;
use zkonnx::formats::{to_hex_bytes, Proof};
use zkonnx::pipeline;
use zkonnx::settings::{RunArgs, Visibility};
use zkonnx::verifier::{self, Bundle, VerifyError};

struct Case {
    proof: Proof,
    settings: zkonnx::settings::Settings,
    keys: pipeline::Keys,
    srs: Vec<u8>,
}

fn case(bytes: &[u8], x: &[f32], ra: RunArgs, seed: u64) -> Case {
    let p = prove_at(bytes, x, ra, seed);
    Case {
        proof: p.proof,
        settings: p.compiled.settings,
        keys: p.keys,
        srs: p.srs,
    }
}

/// valid / invalid / malformed, from both verifiers
fn native(c: &Case, p: &Proof) -> Option<bool> {
    pipeline::verify(p, &c.settings, &c.keys.vk, &c.srs).ok()
}
fn light(c: &Case, p: &Proof) -> Option<bool> {
    pipeline::verify_bundle(p, &c.keys.bundle).ok()
}

/// The proof with its first public value after the layout digest changed, and its
/// `pretty_public_inputs` following (so that only the proof itself can object).
fn bump_first_public(p: &Proof, bundle: &[u8]) -> Proof {
    bump_public(p, &Bundle::from_bytes(bundle).unwrap().public, 1, 1)
}

fn mlp_case() -> &'static Case {
    static C: OnceLock<Case> = OnceLock::new();
    C.get_or_init(|| case(&mlp(20), &values(120, 8, -1.0, 1.0), RunArgs::default(), 7))
}

#[test]
fn agrees_with_halo2_on_every_op_model() {
    for (name, bytes, shape) in op_models() {
        let x = values(3, shape.iter().product(), -1.0, 1.0);
        let c = case(&bytes, &x, RunArgs::default(), 3);
        assert_eq!(native(&c, &c.proof), Some(true), "{name}: halo2");
        assert_eq!(light(&c, &c.proof), Some(true), "{name}: light verifier");
        let bad = bump_first_public(&c.proof, &c.keys.bundle);
        assert_eq!(
            native(&c, &bad),
            Some(false),
            "{name}: halo2, changed output"
        );
        assert_eq!(
            light(&c, &bad),
            Some(false),
            "{name}: light, changed output"
        );
        let b = Bundle::from_bytes(&c.keys.bundle).unwrap();
        assert_eq!(b.to_bytes(), c.keys.bundle, "{name}: bundle round trip");
        assert_eq!(
            b.dev_srs_seed,
            Some(3),
            "{name}: a development SRS is recognised"
        );
    }
}

#[test]
fn public_inputs_and_fixed_parameters() {
    let ra = RunArgs {
        input_visibility: Visibility::Public,
        output_visibility: Visibility::Public,
        param_visibility: Visibility::Fixed,
        ..RunArgs::default()
    };
    let x = values(121, 8, -1.0, 1.0);
    let c = case(&mlp(21), &x, ra.clone(), 7);
    assert_eq!(light(&c, &c.proof), Some(true));
    // every public value, inputs first: a changed one fails
    for i in [1, c.proof.instances[0].len() - 1] {
        let bad = bump_public(
            &c.proof,
            &Bundle::from_bytes(&c.keys.bundle).unwrap().public,
            i,
            -1,
        );
        assert_eq!(light(&c, &bad), Some(false), "public value {i}");
        assert_eq!(native(&c, &bad), Some(false), "public value {i}");
    }
    // inspect: the public values dequantize to the proof's own numbers
    let b = Bundle::from_bytes(&c.keys.bundle).unwrap();
    let inst: Vec<_> = c.proof.instances[0]
        .iter()
        .map(|h| verifier::from_hex(h).unwrap())
        .collect();
    let t = b.decode(&inst).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].0.role, verifier::Role::Input);
    let verifier::Decoded::Values(ins) = &t[0].1 else {
        panic!("public input decoded as a commitment")
    };
    for (got, want) in ins.iter().zip(&x) {
        let got = *got as f64 / (1u64 << t[0].0.scale) as f64;
        assert!((got - *want as f64).abs() < 1e-2, "input {got} vs {want}");
    }
    // the same architecture with other (fixed) weights: its bundle rejects this proof
    let other = case(&mlp(22), &x, ra, 7);
    assert_ne!(
        Bundle::from_bytes(&other.keys.bundle)
            .unwrap()
            .fingerprint(),
        b.fingerprint()
    );
    // (false, or, when calibration gave it another shape of circuit, an error saying the proof
    // is another model's)
    let r = pipeline::verify_bundle(&c.proof, &other.keys.bundle);
    assert!(
        matches!(r, Ok(false)) || format!("{r:?}").contains("a proof of another model"),
        "{r:?}"
    );
}

#[test]
fn another_models_bundle_is_rejected() {
    let c = mlp_case();
    // another architecture with as many public outputs (3): Gemm 8 -> 3
    let mut g = G::new();
    let (w, b) = (g.rc(&[3, 8], 40), g.rc(&[3], 41));
    let y = g.node("Gemm", &["input", &w, &b], vec![int_attr("transB", 1)]);
    let other = case(
        &g.build(&[1, 8], &y, &[1, 3]),
        &values(42, 8, -1.0, 1.0),
        RunArgs::default(),
        7,
    );
    // false, or (another proof length) an error saying so
    let r = pipeline::verify_bundle(&c.proof, &other.keys.bundle);
    assert!(
        matches!(r, Ok(false)) || format!("{r:?}").contains("a proof of another model"),
        "{r:?}"
    );
    // another SRS (another secret): same circuit, other keys
    let again = case(&mlp(20), &values(120, 8, -1.0, 1.0), RunArgs::default(), 8);
    assert_eq!(
        pipeline::verify_bundle(&c.proof, &again.keys.bundle).ok(),
        Some(false)
    );
    // a model with another number of public values: not this model's proof (inspect, which
    // must lay the values out, says why)
    let m = op_conv();
    let conv = case(
        &m.bytes,
        &values(5, m.shape.iter().product(), -1.0, 1.0),
        RunArgs::default(),
        7,
    );
    assert_eq!(
        pipeline::verify_bundle(&c.proof, &conv.keys.bundle).ok(),
        Some(false)
    );
    let b = Bundle::from_bytes(&conv.keys.bundle).unwrap();
    let inst: Vec<_> = c.proof.instances[0]
        .iter()
        .map(|h| verifier::from_hex(h).unwrap())
        .collect();
    let e = b.decode(&inst).unwrap_err().to_string();
    assert!(e.contains("public values"), "{e}");
}

#[test]
fn every_byte_flip_gets_the_same_answer_from_both() {
    let c = mlp_case();
    let bytes = c.proof.bytes().unwrap();
    let mut counts = [0usize; 3];
    for i in 0..bytes.len() {
        // the low bit of every fifth byte of each 32-byte word; on its last byte also the flags
        let masks: &[u8] = match i % 32 {
            31 => &[0x01, 0x40, 0x80],
            k if k % 5 == 0 => &[0x01],
            _ => &[],
        };
        for &m in masks {
            let mut b = bytes.clone();
            b[i] ^= m;
            let mut p = c.proof.clone();
            p.hex_proof = to_hex_bytes(&b);
            let (n, l) = (native(c, &p), light(c, &p));
            assert_eq!(n, l, "byte {i} ^ {m:#04x}: halo2 {n:?}, light {l:?}");
            assert_ne!(l, Some(true), "byte {i} ^ {m:#04x} verified");
            counts[match l {
                Some(false) => 0,
                None => 1,
                Some(true) => 2,
            }] += 1;
        }
    }
    // both kinds occur: wrong-but-well-formed and malformed
    assert!(counts[0] > 0 && counts[1] > 0, "{counts:?}");
    // truncated and extended proofs are errors naming the expected length
    let extended = [bytes.as_slice(), &[0u8; 32]].concat();
    for b in [
        &bytes[..0],
        &bytes[..1],
        &bytes[..32],
        &bytes[..bytes.len() - 1],
        &extended[..],
    ] {
        let mut p = c.proof.clone();
        p.hex_proof = to_hex_bytes(b);
        let e = pipeline::verify_bundle(&p, &c.keys.bundle).unwrap_err();
        assert!(
            matches!(e, zkonnx::Error::Light(VerifyError::Proof(_))),
            "{e}"
        );
        assert!(
            e.to_string().contains(&format!("have {}", bytes.len())),
            "{e}"
        );
    }
}

#[test]
fn malformed_bundles_are_errors_naming_the_field() {
    let c = mlp_case();
    let good = &c.keys.bundle;
    for cut in 0..good.len() {
        let e = Bundle::from_bytes(&good[..cut]).unwrap_err().to_string();
        assert!(e.starts_with("verification bundle: "), "{e}");
    }
    let mut long = good.clone();
    long.push(0);
    assert!(Bundle::from_bytes(&long)
        .unwrap_err()
        .to_string()
        .contains("after the end"));
    let mut magic = good.clone();
    magic[0] = b'X';
    assert!(Bundle::from_bytes(&magic)
        .unwrap_err()
        .to_string()
        .contains("not a zkonnx verification bundle"));
    // a G1 point off the curve: g1, counted back from the end (version, committed params,
    // public layout, dev SRS seed, s_g2, g2), its y coordinate changed
    let b = Bundle::from_bytes(good).unwrap();
    let committed = match b.committed.len() {
        0 => 0,
        m => 4 + 68 * m,
    };
    let g1_at = good.len() - b.version.len() - 4 - committed - public_len(&b) - 4 - 128 - 128 - 64;
    let mut off = good.clone();
    off[g1_at + 40] ^= 1;
    let e = Bundle::from_bytes(&off).unwrap_err().to_string();
    assert!(e.contains("g1"), "{e}");
}

fn public_len(b: &Bundle) -> usize {
    8 + b
        .public
        .tensors
        .iter()
        .map(|t| 1 + 1 + 4 + 4 + 4 + 4 * t.shape.len())
        .sum::<usize>()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Random bytes, and random edits of a real bundle: an error or a bundle, never a panic.
    #[test]
    fn bundle_parser_never_panics(noise in proptest::collection::vec(any::<u8>(), 0..600),
                                  edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6)) {
        let c = mlp_case();
        let r = catch_unwind(|| Bundle::from_bytes(&noise).is_ok());
        prop_assert!(r.is_ok(), "panic on random bytes");
        let mut b = c.keys.bundle.clone();
        for (i, v) in &edits {
            let n = b.len();
            b[i % n] = *v;
        }
        let r = catch_unwind(AssertUnwindSafe(|| pipeline::verify_bundle(&c.proof, &b).ok()));
        prop_assert!(r.is_ok(), "panic on an edited bundle");
    }

    /// Random edits of a real proof: never a panic, never valid.
    #[test]
    fn proof_parser_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
                                 cut in any::<usize>()) {
        let c = mlp_case();
        let mut bytes = c.proof.bytes().unwrap();
        let mut changed = false;
        for (i, v) in &edits {
            let n = bytes.len();
            changed |= bytes[i % n] != *v;
            bytes[i % n] = *v;
        }
        if cut % 4 == 0 {
            bytes.truncate(cut % (bytes.len() + 1));
            changed = true;
        }
        let mut p = c.proof.clone();
        p.hex_proof = to_hex_bytes(&bytes);
        let r = catch_unwind(AssertUnwindSafe(|| pipeline::verify_bundle(&p, &c.keys.bundle).ok()));
        prop_assert!(r.is_ok(), "panic");
        if changed {
            prop_assert_ne!(r.unwrap(), Some(true));
        }
    }
}

#[test]
fn cli_setup_writes_the_bundle_and_verify_accepts_it() {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("zkonnx-light-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ex = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/mlp");
    let out = Command::new(env!("CARGO_BIN_EXE_zkonnx"))
        .args(["e2e", ex, "--work-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verify = |proof: &str| {
        Command::new(env!("CARGO_BIN_EXE_zkonnx"))
            .current_dir(&dir)
            .args([
                "verify",
                "--proof-path",
                proof,
                "--bundle-path",
                "verifier.bundle",
            ])
            .output()
            .unwrap()
    };
    let ok = verify("proof.json");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("verified: true"));
    let p = Proof::from_json(&std::fs::read(dir.join("proof.json")).unwrap()).unwrap();
    std::fs::write(
        dir.join("bad.json"),
        bump_first_public(&p, &std::fs::read(dir.join("verifier.bundle")).unwrap()).to_json(),
    )
    .unwrap();
    let bad = verify("bad.json");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("INVALID"));
    let _ = std::fs::remove_dir_all(&dir);
}
