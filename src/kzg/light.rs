//! The prover's curve types (halo2curves-axiom, through halo2-axiom) as the light verifier's
//! (halo2curves 0.10): the same field and curve, converted through their byte encodings.

use crate::verifier::encoding::{fr_from_bytes, g1_from_bytes, g2_from_bytes};
use halo2curves::bn256::{Fr, G1Affine, G2Affine};
use halo2curves::ff::PrimeField;
use halo2curves::CurveAffine;

/// A scalar as the light verifier's.
pub(crate) fn fr(f: &Fr) -> bn254::bn256::Fr {
    fr_from_bytes(&f.to_repr()).expect("the same field")
}

/// A light verifier's scalar as the prover's.
pub(crate) fn fr_back(f: &bn254::bn256::Fr) -> Fr {
    use bn254::ff::PrimeField as _;
    Option::from(Fr::from_repr(f.to_repr().into())).expect("the same field")
}

/// A G1 point as the light verifier's (the identity as the identity).
pub(crate) fn g1(p: &G1Affine) -> bn254::bn256::G1Affine {
    let mut b = [0u8; 64];
    if let Some(c) = Option::<halo2curves::Coordinates<G1Affine>>::from(p.coordinates()) {
        b[..32].copy_from_slice(c.x().to_repr().as_ref());
        b[32..].copy_from_slice(c.y().to_repr().as_ref());
    }
    g1_from_bytes(&b).expect("the same curve")
}

/// A G2 point (never the identity: KZG's are generators) as the light verifier's.
pub(crate) fn g2(p: &G2Affine) -> bn254::bn256::G2Affine {
    let mut b = [0u8; 128];
    let c = Option::<halo2curves::Coordinates<G2Affine>>::from(p.coordinates())
        .expect("KZG's G2 points are not the identity");
    for (i, f) in [c.x().c0, c.x().c1, c.y().c0, c.y().c1].iter().enumerate() {
        b[32 * i..32 * i + 32].copy_from_slice(f.to_repr().as_ref());
    }
    g2_from_bytes(&b).expect("the same curve")
}

/// A light verifier's G1 point as the prover's.
pub(crate) fn g1_back(p: &bn254::bn256::G1Affine) -> G1Affine {
    use halo2curves::bn256::Fq;
    let b = crate::verifier::encoding::g1_bytes(p);
    let coord = |b: &[u8]| -> Fq {
        Option::from(Fq::from_repr(b.try_into().expect("32 bytes"))).expect("the same field")
    };
    if b.iter().all(|&v| v == 0) {
        return halo2curves::group::prime::PrimeCurveAffine::identity();
    }
    Option::from(G1Affine::from_xy(coord(&b[..32]), coord(&b[32..]))).expect("the same curve")
}
