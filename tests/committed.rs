//! Committed params (docs/committed-params.md): a proof's parameter columns are linked to the
//! commitments published with the keys. Other weights under the same circuit, another salt's
//! commitments, a link moved from another proof, cut off or flipped, and keys without their
//! commitments are all rejected, by the native verifier and the light one.

mod common;

use common::*;
use zkonnx::formats::{to_hex_bytes, Proof};
use zkonnx::pipeline;
use zkonnx::settings::Visibility;

fn with_bytes(p: &Proof, b: &[u8]) -> Proof {
    let mut q = p.clone();
    q.hex_proof = to_hex_bytes(b);
    q
}

/// Valid (or `false` for an error) by both verifiers, which must agree.
fn valid(p: &Proof, c: &zkonnx::model::Compiled, keys: &pipeline::Keys, srs: &[u8]) -> bool {
    let native = pipeline::verify(p, &c.settings, &keys.vk, srs).unwrap_or(false);
    let light = pipeline::verify_bundle_report(p, &keys.bundle)
        .map(|r| r.valid)
        .unwrap_or(false);
    assert_eq!(native, light, "the native and light verifiers disagree");
    native
}

#[test]
fn committed_params_bind_the_weights() {
    let bytes = mlp(31);
    let x = values(131, 8, -1.0, 1.0);
    let c = compile_at(&bytes, &x, 7, with_params(Visibility::Committed));
    let srs = pipeline::gen_srs(c.settings.run_args.logrows, 7);
    let keys = pipeline::setup(&c, &srs).unwrap();
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    let p = pipeline::prove(&c, &w, &keys.pk, &srs).unwrap();
    assert!(valid(&p, &c, &keys, &srs));
    let report = pipeline::verify_bundle_report(&p, &keys.bundle).unwrap();
    assert_eq!(
        report.identity.params,
        zkonnx::verifier::trust::Params::Committed
    );

    // other weights under the same circuit: the same proving key proves them (the weights are
    // a witness), and the proof verifies against its own published commitments only
    let mut other = c.clone();
    other.graph.params[0].values[0] += 1;
    let other_keys = pipeline::setup(&other, &srs).unwrap();
    assert_eq!(
        other_keys.pk, keys.pk,
        "the circuit does not depend on the weights"
    );
    assert_ne!(other_keys.vk, keys.vk, "the published commitments do");
    // under the same salt, the two published commitments do not differ by the changed
    // weight's Lagrange point alone (the salt rows are keyed by the weights): the difference
    // is not an unsalted commitment of the weights' difference
    let k = c.settings.run_args.logrows;
    let l0 = light_g1(&zkonnx::srs::load_for_k(&srs, k).unwrap().lagrange()[0]);
    let published = |bundle: &[u8]| {
        zkonnx::verifier::Bundle::from_bytes(bundle)
            .unwrap()
            .committed
    };
    let (before, after) = (published(&keys.bundle), published(&other_keys.bundle));
    use bn254::group::Curve;
    assert_ne!((before[0].1 + l0).to_affine(), after[0].1);
    let ow = pipeline::gen_witness(&other, &input_data(&x)).unwrap();
    let op = pipeline::prove(&other, &ow, &keys.pk, &srs).unwrap();
    assert!(valid(&op, &other, &other_keys, &srs));
    assert!(!valid(&op, &c, &keys, &srs), "other weights verified");

    // the same weights with another salt: other published commitments
    let mut salted = c.clone();
    salted.param_salt = Some(zkonnx::felt::to_hex_be(&zkonnx::felt::from_i64(12345)));
    let salted_keys = pipeline::setup(&salted, &srs).unwrap();
    let sp = pipeline::prove(&salted, &w, &keys.pk, &srs).unwrap();
    assert!(valid(&sp, &salted, &salted_keys, &srs));
    assert!(
        !valid(&sp, &c, &keys, &srs),
        "another salt's proof verified"
    );

    // the link: moved from another proof, cut off, flipped
    let (pb, ob) = (p.bytes().unwrap(), op.bytes().unwrap());
    let cut = pb.len() - 128;
    let mut moved = ob[..cut].to_vec();
    moved.extend_from_slice(&pb[cut..]);
    assert!(!valid(&with_bytes(&op, &moved), &c, &keys, &srs));
    let mut honest_link_elsewhere = pb[..cut].to_vec();
    honest_link_elsewhere.extend_from_slice(&ob[cut..]);
    assert!(!valid(
        &with_bytes(&p, &honest_link_elsewhere),
        &c,
        &keys,
        &srs
    ));
    assert!(
        !valid(&with_bytes(&p, &pb[..cut]), &c, &keys, &srs),
        "no link"
    );
    for i in [cut, cut + 31, cut + 63, cut + 64, cut + 100, pb.len() - 1] {
        let mut b = pb.clone();
        b[i] ^= 1;
        assert!(!valid(&with_bytes(&p, &b), &c, &keys, &srs), "flip at {i}");
    }
    // a second honest proof of the same model has another link (fresh blinding), and verifies
    let p2 = pipeline::prove(&c, &w, &keys.pk, &srs).unwrap();
    assert_ne!(p2.bytes().unwrap()[cut..], pb[cut..]);
    assert!(valid(&p2, &c, &keys, &srs));

    // keys without their published commitments are refused by name
    let halo2_len = keys.vk.len() - (8 + 4 + 64 * count_columns(&c));
    let err = pipeline::verify(&p, &c.settings, &keys.vk[..halo2_len], &srs)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no published commitments"), "{err}");
}

fn count_columns(c: &zkonnx::model::Compiled) -> usize {
    zkonnx::circuit::CircuitParams::from_settings(&c.settings).param_columns
}

/// A prover's (halo2curves-axiom) G1 point as the light verifier's (halo2curves 0.10).
fn light_g1(p: &halo2curves::bn256::G1Affine) -> bn254::bn256::G1Affine {
    use halo2curves::ff::PrimeField;
    use halo2curves::CurveAffine;
    let c = p.coordinates().unwrap();
    let mut b = [0u8; 64];
    b[..32].copy_from_slice(c.x().to_repr().as_ref());
    b[32..].copy_from_slice(c.y().to_repr().as_ref());
    zkonnx::verifier::encoding::g1_from_bytes(&b).unwrap()
}
