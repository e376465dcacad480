//! Which ceremony an SRS comes from, told by its `τ·G2` alone (`s_g2`: the same for every size
//! of one ceremony, and the one point besides the generators that KZG verification reads).
//! Pure byte-level logic over the 128 bytes of `s_g2` in halo2's raw layout (`x.c0 ‖ x.c1 ‖
//! y.c0 ‖ y.c1`, each 32 bytes little-endian in Montgomery form: what a halo2 params file and a
//! snarkjs `.ptau` hold byte for byte), so that the native side (`crate::srs`) and the light
//! verifier share it. The bundle writes G2 points canonically (not in Montgomery form):
//! [`label_of_canonical`] converts.
//!
//! - A known ceremony: `s_g2` equals an entry of [`CEREMONIES`].
//! - A development SRS (zkonnx's `gen-srs`, UNSAFE): `s_g2` carries the [`dev_marker`], which
//!   `gen-srs` grinds for whatever its seed. Of unrelated SRSs (another ceremony's), a fraction
//!   2^-[`DEV_MARKER_BITS`] carries it by chance: those are labelled development too, the safe
//!   side of the mistake. The marker is no security: anyone can grind it, and a label only says
//!   what an honest file is; a file labelled a ceremony has that ceremony's `τ·G2`, which no one
//!   can fake, and with it the generators (checked by [`label_of_points`]) the verifier's trust
//!   rests on that ceremony.
//! - Anything else: [`SrsLabel::Unrecognised`].

use bn254::bn256::{Fq, G1Affine, G2Affine};
use bn254::ff::{Field, PrimeField};
use bn254::serde::SerdeObject;

/// What an SRS is, from its `τ·G2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SrsLabel {
    /// A public multi-party ceremony: its name.
    Ceremony(&'static str),
    /// zkonnx's UNSAFE development SRS (`gen-srs`): whoever knows the seed can forge proofs.
    Development,
    /// Neither: a ceremony zkonnx does not know, or a secret nobody vouches for.
    Unrecognised,
}

impl core::fmt::Display for SrsLabel {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SrsLabel::Ceremony(name) => write!(f, "ceremony: {name}"),
            SrsLabel::Development => {
                write!(
                    f,
                    "UNSAFE development SRS (zkonnx gen-srs): anyone can forge proofs"
                )
            }
            SrsLabel::Unrecognised => write!(f, "unrecognised (not a ceremony zkonnx knows)"),
        }
    }
}

/// A ceremony zkonnx recognises: its name and its `τ·G2` in the raw layout.
pub struct Ceremony {
    pub name: &'static str,
    pub s_g2: [u8; 128],
}

/// The Perpetual Powers of Tau, as converted to halo2's layout by han0110's `halo2-kzg-srs`
/// from PPoT's `response_0071_edward` (the `perpetual-powers-of-tau-raw-{k}` files that ezkl's
/// `get_srs` downloads, and the SRS of many deployed halo2 verifiers). These 128 bytes are the
/// last 128 of `../shared/srs/ezkl-test-kzg1.srs` (ezkl's k = 1 copy of that SRS); the same
/// point, as `(x.c0, x.c1, y.c0, y.c1)` canonical = (0x1794…60d2, 0x1862…f5ac, 0x2977…02ad,
/// 0x298a…95f4), is the negated `s_g2` of published halo2 Solidity verifiers.
/// (`ezkl-test-kzg6.srs` has another `τ·G2`: it is not this ceremony.)
pub const PPOT_0071_HALO2: Ceremony = Ceremony {
    name: "Perpetual Powers of Tau (response 0071, halo2-kzg-srs / ezkl get_srs)",
    s_g2: hex128(concat!(
        "141a078d27be11a9fb58290480c66ea6fbd25e5a7202217d2c465ad9ee82b42f",
        "7a8aa3639c341ee8b48418833e58e618d12669143b071b92ada94da2325d322b",
        "636f091536aef4f0020c3c6f14a3f0519e994e3c62c2c6a36d08d1d2c9129520",
        "1f4d673d5bbabcd819ef27bc777d5ef011997be0023032a61f80f6e2e0a6fd28",
    )),
};

/// Every ceremony zkonnx recognises. To add one: `zkonnx srs info FILE` on an SRS made from it
/// (e.g. `zkonnx srs import` of its `.ptau`) prints the 128 bytes.
pub const CEREMONIES: &[Ceremony] = &[PPOT_0071_HALO2];

/// The domain of the development marker hash.
pub const DEV_MARKER_DOMAIN: &[u8] = b"zkonnx development SRS";

/// Leading zero bits of [`dev_marker`] that make an SRS a development one: `gen-srs` takes
/// about 2^DEV_MARKER_BITS G2 additions to find it, and an unrelated `τ·G2` carries it with
/// probability 2^-DEV_MARKER_BITS.
pub const DEV_MARKER_BITS: u32 = 18;

/// Blake2b-256 of `s_g2`'s 128 raw bytes: the SRS's fingerprint (`zkonnx srs info`; also
/// `tail -c 128 FILE | b2sum -l 256` on a halo2 params file).
pub fn fingerprint(s_g2: &[u8; 128]) -> [u8; 32] {
    blake2b_256(&[s_g2])
}

/// Blake2b-256(`DEV_MARKER_DOMAIN` ‖ `s_g2`): development SRSs have it begin with
/// [`DEV_MARKER_BITS`] zero bits.
pub fn dev_marker(s_g2: &[u8; 128]) -> [u8; 32] {
    blake2b_256(&[DEV_MARKER_DOMAIN, s_g2])
}

/// Whether `s_g2` carries the development marker.
pub fn has_dev_marker(s_g2: &[u8; 128]) -> bool {
    leading_zero_bits(&dev_marker(s_g2)) >= DEV_MARKER_BITS
}

/// The label of an SRS with this `τ·G2` (raw layout).
pub fn label_of(s_g2: &[u8; 128]) -> SrsLabel {
    if let Some(c) = CEREMONIES.iter().find(|c| &c.s_g2 == s_g2) {
        SrsLabel::Ceremony(c.name)
    } else if has_dev_marker(s_g2) {
        SrsLabel::Development
    } else {
        SrsLabel::Unrecognised
    }
}

/// The label of the three points KZG verification reads (`g[0]`, `g2`, `s_g2`, raw layout): a
/// ceremony's `τ·G2` with other generators than the standard ones is no longer that ceremony's
/// secret, so unless `g[0]` and `g2` are BN254's generators the SRS is unrecognised.
pub fn label_of_points(g0: &[u8; 64], g2: &[u8; 128], s_g2: &[u8; 128]) -> SrsLabel {
    let gens = G1Affine::from_raw_bytes(g0) == Some(G1Affine::generator())
        && G2Affine::from_raw_bytes(g2) == Some(G2Affine::generator());
    if gens {
        label_of(s_g2)
    } else {
        SrsLabel::Unrecognised
    }
}

/// The label of a `τ·G2` written canonically (the bundle's layout: each coordinate as its
/// little-endian integer, not in Montgomery form); `None` if a coordinate is not below the
/// modulus.
pub fn label_of_canonical(s_g2: &[u8; 128]) -> Option<SrsLabel> {
    raw_from_canonical(s_g2).map(|raw| label_of(&raw))
}

/// Canonical coordinates (the bundle's layout) to the raw layout (Montgomery form).
pub fn raw_from_canonical(canonical: &[u8; 128]) -> Option<[u8; 128]> {
    // the Montgomery form of x is the canonical encoding of x·R, R = 2^256 mod q
    let r = Fq::from(2u64).pow_vartime([256u64]);
    let mut out = [0u8; 128];
    for i in 0..4 {
        let mut c = [0u8; 32];
        c.copy_from_slice(&canonical[32 * i..32 * i + 32]);
        let x: Fq = Option::from(Fq::from_repr(c.into()))?;
        out[32 * i..32 * i + 32].copy_from_slice((x * r).to_repr().as_ref());
    }
    Some(out)
}

fn blake2b_256(parts: &[&[u8]]) -> [u8; 32] {
    let mut st = blake2b_simd::Params::new().hash_length(32).to_state();
    for p in parts {
        st.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(st.finalize().as_bytes());
    out
}

fn leading_zero_bits(h: &[u8]) -> u32 {
    let mut n = 0;
    for &b in h {
        n += b.leading_zeros();
        if b != 0 {
            break;
        }
    }
    n
}

const fn hex128(s: &str) -> [u8; 128] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lowercase hex digit"),
        }
    }
    let b = s.as_bytes();
    assert!(b.len() == 256, "128 bytes are 256 hex digits");
    let mut out = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bn254::CurveAffine;

    fn canonical(p: &G2Affine) -> [u8; 128] {
        let c = Option::<bn254::Coordinates<G2Affine>>::from(p.coordinates()).unwrap();
        let mut out = [0u8; 128];
        for (i, f) in [c.x().c0(), c.x().c1(), c.y().c0(), c.y().c1()]
            .iter()
            .enumerate()
        {
            out[32 * i..32 * i + 32].copy_from_slice(f.to_repr().as_ref());
        }
        out
    }

    #[test]
    fn the_ceremony_point_is_a_g2_point_and_labels() {
        let p = G2Affine::from_raw_bytes(&PPOT_0071_HALO2.s_g2).expect("coordinates below q");
        assert!(bool::from(p.is_on_curve()));
        assert_eq!(
            label_of(&PPOT_0071_HALO2.s_g2),
            SrsLabel::Ceremony(PPOT_0071_HALO2.name)
        );
        // the bundle's canonical layout converts back to the same label
        assert_eq!(
            label_of_canonical(&canonical(&p)),
            Some(SrsLabel::Ceremony(PPOT_0071_HALO2.name))
        );
        assert_eq!(
            raw_from_canonical(&canonical(&p)),
            Some(PPOT_0071_HALO2.s_g2)
        );
        let mut g0 = [0u8; 64];
        // (1, 2) in Montgomery form: via the canonical → raw conversion of a G2 buffer's halves
        let one_two = {
            let mut c = [0u8; 128];
            c[0] = 1;
            c[32] = 2;
            raw_from_canonical(&c).unwrap()
        };
        g0.copy_from_slice(&one_two[..64]);
        let g2 = raw_from_canonical(&canonical(&G2Affine::generator())).unwrap();
        assert_eq!(
            label_of_points(&g0, &g2, &PPOT_0071_HALO2.s_g2),
            SrsLabel::Ceremony(PPOT_0071_HALO2.name)
        );
        // another g2: not that ceremony's secret any more
        assert_eq!(
            label_of_points(&g0, &PPOT_0071_HALO2.s_g2, &PPOT_0071_HALO2.s_g2),
            SrsLabel::Unrecognised
        );
    }

    #[test]
    fn marker_bits() {
        assert_eq!(leading_zero_bits(&[0, 0, 0x10, 0xff]), 19);
        assert_eq!(leading_zero_bits(&[0x80]), 0);
        assert_eq!(leading_zero_bits(&[0, 0]), 16);
        // an arbitrary point is (almost surely) unmarked
        let g2 = raw_from_canonical(&canonical(&G2Affine::generator())).unwrap();
        assert_eq!(label_of(&g2), SrsLabel::Unrecognised);
        assert_eq!(label_of(&[0u8; 128]), SrsLabel::Unrecognised);
    }
}
