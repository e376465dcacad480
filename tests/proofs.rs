//! Proofs: honest proofs verify; changed public values, another model's vk and every
//! single-byte flip are rejected (never a panic).

mod common;

use common::*;
use zkonnx::formats::to_hex_bytes;
use zkonnx::pipeline;
use zkonnx::settings::{RunArgs, Visibility};

fn setup(
    seed: u64,
    ra: RunArgs,
) -> (
    zkonnx::model::Compiled,
    Vec<u8>,
    pipeline::Keys,
    zkonnx::formats::Witness,
) {
    let bytes = mlp(seed);
    let x = values(seed + 100, 8, -1.0, 1.0);
    let c = compile_at(&bytes, &x, 7, ra);
    let srs = pipeline::gen_srs(c.settings.run_args.logrows, 7);
    let keys = pipeline::setup(&c, &srs).unwrap();
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    (c, srs, keys, w)
}

#[test]
fn prove_verify_and_reject_tampering() {
    let (c, srs, keys, w) = setup(20, RunArgs::default());
    let p = pipeline::prove(&c, &w, &keys.pk, &srs).unwrap();
    assert!(pipeline::verify(&p, &c.settings, &keys.vk, &srs).unwrap());

    // a changed public output (its pretty value follows, so only the proof can object)
    let last = p.instances[0].len() - 1;
    let bad = bump_public(&p, &zkonnx::publics::layout(&c.settings), last, 1);
    assert!(!pipeline::verify(&bad, &c.settings, &keys.vk, &srs).unwrap());
    // a changed layout digest (instance 0) is an error naming it
    let mut bad = p.clone();
    bad.instances[0][0] = zkonnx::felt::to_hex(&zkonnx::felt::from_i64(7));
    let err = pipeline::verify(&bad, &c.settings, &keys.vk, &srs)
        .unwrap_err()
        .to_string();
    assert!(err.contains("layout digest"), "{err}");

    // another model's vk: with private params the vk commits to the architecture only, so the
    // other model differs in structure (the sigmoid op model) and must not verify
    let other = op_sigmoid();
    let ox = values(7, other.shape.iter().product(), -1.0, 1.0);
    let oc = compile_at(&other.bytes, &ox, 7, RunArgs::default());
    // same seed: the same secret, so only the vk differs
    let osrs = pipeline::gen_srs(
        oc.settings
            .run_args
            .logrows
            .max(c.settings.run_args.logrows),
        7,
    );
    let okeys = pipeline::setup(&oc, &osrs).unwrap();
    assert!(!pipeline::verify(&p, &oc.settings, &okeys.vk, &osrs).unwrap_or(false));
    assert!(
        pipeline::verify(&p, &c.settings, &keys.vk, &osrs).unwrap(),
        "a larger SRS of the same secret verifies"
    );
    // another SRS (other toxic waste)
    assert!(!pipeline::verify(
        &p,
        &c.settings,
        &keys.vk,
        &pipeline::gen_srs(c.settings.run_args.logrows, 99)
    )
    .unwrap_or(false));

    // single-byte flips are rejected or errors, never panics: every byte of the first and last
    // 32-byte words, and in every other word the bytes at two offsets that move from word to
    // word (every element of the proof is hit; tests/light_verifier.rs flips more bits)
    let proof = p.bytes().unwrap();
    let flipped = |i: usize| {
        let (w, k) = (i / 32, i % 32);
        i < 32 || i + 32 >= proof.len() || k == (7 * w) % 32 || k == (7 * w + 16) % 32
    };
    for i in (0..proof.len()).filter(|&i| flipped(i)) {
        let mut b = proof.clone();
        b[i] ^= 0x01 << (i % 8);
        let mut q = p.clone();
        q.hex_proof = to_hex_bytes(&b);
        let r = pipeline::verify(&q, &c.settings, &keys.vk, &srs);
        assert!(!r.unwrap_or(false), "flip at byte {i} verified");
    }
}

#[test]
fn fixed_params_public_input_private_output() {
    let ra = RunArgs {
        input_visibility: Visibility::Public,
        output_visibility: Visibility::Private,
        param_visibility: Visibility::Fixed,
        ..RunArgs::default()
    };
    let (c, srs, keys, w) = setup(40, ra);
    let p = pipeline::prove(&c, &w, &keys.pk, &srs).unwrap();
    assert_eq!(p.instances[0].len(), 1 + 8);
    assert!(pipeline::verify(&p, &c.settings, &keys.vk, &srs).unwrap());
    let bad = bump_public(&p, &zkonnx::publics::layout(&c.settings), 3, 5);
    assert!(!pipeline::verify(&bad, &c.settings, &keys.vk, &srs).unwrap());
    // with fixed params the weights are in the vk: the same architecture with other weights
    // has another vk, which rejects this proof
    let c2 = pipeline::compile_circuit(&mlp(41), &c.settings).unwrap();
    let keys2 = pipeline::setup(&c2, &srs).unwrap();
    assert!(!pipeline::verify(&p, &c.settings, &keys2.vk, &srs).unwrap_or(false));
}

#[test]
fn larger_srs_is_downsized() {
    let (c, _, _, w) = setup(50, RunArgs::default());
    let big = pipeline::gen_srs(c.settings.run_args.logrows + 1, 3);
    let keys = pipeline::setup(&c, &big).unwrap();
    let p = pipeline::prove(&c, &w, &keys.pk, &big).unwrap();
    assert!(pipeline::verify(&p, &c.settings, &keys.vk, &big).unwrap());
}

/// More public values than layout rows (a concat of the input with itself): calibration sizes
/// the circuit for the instance column too, and the proof verifies.
#[test]
fn more_public_values_than_rows() {
    let mut g = G::new();
    let y = g.node(
        "Concat",
        &["input", "input", "input"],
        vec![int_attr("axis", 1)],
    );
    let bytes = g.build(&[1, 40], &y, &[1, 120]);
    let x = values(3, 40, -1.0, 1.0);
    let ra = RunArgs {
        input_visibility: Visibility::Public,
        ..RunArgs::default()
    };
    let c = compile_at(&bytes, &x, 7, ra);
    assert!(c.settings.num_instances() > c.settings.num_rows);
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    pipeline::mock(&c, &w).unwrap();
    let srs = pipeline::gen_srs(c.settings.run_args.logrows, 1);
    let keys = pipeline::setup(&c, &srs).unwrap();
    let p = pipeline::prove(&c, &w, &keys.pk, &srs).unwrap();
    assert!(pipeline::verify(&p, &c.settings, &keys.vk, &srs).unwrap());
}
