//! The prover's KZG (`zkonnx::kzg`: our MSM behind halo2-axiom's `Params`) makes exactly the keys
//! halo2's own `ParamsKZG` makes, and proofs through it verify with halo2's verifier under
//! those keys: the commitments are the same points, whichever MSM computed them.

mod common;

use common::*;
use halo2_proofs::plonk::{keygen_pk, keygen_vk};
use zkonnx::circuit::ModelCircuit;
use zkonnx::pipeline;
use zkonnx::settings::Visibility;

#[test]
fn keys_and_proofs_match_halo2s_own_kzg() {
    // hashed params: the commitment chip's columns too
    let x = values(120, 8, -1.0, 1.0);
    let c = compile_at(&mlp(20), &x, 7, with_params(Visibility::Hashed));
    let k = c.settings.run_args.logrows;
    let srs = pipeline::gen_srs(k, 11);
    let ours = zkonnx::srs::load_for_k(&srs, k).unwrap();
    let halo2 = ours.to_halo2();

    let (vk, pk) = zkonnx::keys::keygen(&c, &ours).unwrap();
    let circuit = ModelCircuit {
        model: &c,
        trace: None,
        salts: None,
    };
    let vk_h = keygen_vk(&halo2, &circuit).unwrap();
    let pk_h = keygen_pk(&halo2, vk_h.clone(), &circuit).unwrap();
    assert_eq!(
        zkonnx::keys::vk_to_bytes(&vk),
        zkonnx::keys::vk_to_bytes(&vk_h),
        "verifying keys"
    );
    let (mut a, mut b) = (vec![], vec![]);
    zkonnx::keys::pk_write(&pk, &mut a).unwrap();
    zkonnx::keys::pk_write(&pk_h, &mut b).unwrap();
    assert!(a == b, "proving keys differ");

    // a proof through our params verifies with halo2's verifier and halo2's own vk; the same
    // proof with one commitment byte changed does not
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    let vk_bytes = zkonnx::keys::vk_to_bytes(&vk_h);
    let mut proof = pipeline::prove(&c, &w, &b, &srs).unwrap();
    assert!(pipeline::verify(&proof, &c.settings, &vk_bytes, &srs).unwrap());
    let mut bytes = proof.bytes().unwrap();
    bytes[40] ^= 1;
    proof.hex_proof = zkonnx::formats::to_hex_bytes(&bytes);
    assert!(!matches!(
        pipeline::verify(&proof, &c.settings, &vk_bytes, &srs),
        Ok(true)
    ));
}
