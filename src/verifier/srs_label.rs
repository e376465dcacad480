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
//!   can fake, and with it the generators (checked by [`check_points`] on every load) the
//!   verifier's trust rests on that ceremony.
//! - Anything else: [`SrsLabel::Unrecognised`].

use bn254::bn256::{Fq, G1Affine, G2Affine};
use bn254::ff::{Field, PrimeField};
use bn254::group::prime::PrimeCurveAffine;
use bn254::serde::SerdeObject;
use bn254::CurveAffine;

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

/// PSE's Perpetual Powers of Tau phase-2 files `ppot_0080_{K}.ptau` (contribution 0080 and a
/// beacon, cut to each power: what `zkonnx get-srs` downloads). Read from `ppot_0080_11.ptau`
/// (SHA-256 `e6569fe9…2284`, the pinned one); canonical `(x.c0, x.c1, y.c0, y.c1)` =
/// (0x285b…ef80, 0x17cc…197b, 0x2bad…7fd0, 0x219e…6ed9), the `τ·H` constants of published
/// verifiers built on these files (checked in the tests below).
pub const PPOT_0080: Ceremony = Ceremony {
    name: "Perpetual Powers of Tau (contribution 0080 + beacon, PSE ppot_0080 / zkonnx get-srs)",
    s_g2: hex128(concat!(
        "56a0acd08f03d244ea9cc203f1695f14c1ccfe53fa5bea60bb5119b020c49804",
        "5bd0f60e88c1a673a3548f72a76546fe591a9326a52f6265add5597cbe592613",
        "17ec328cf8c5e39f83d14e9386e36a9dfbfcd0f1ccc4610cae2510780685df27",
        "1b9baadd4b7963682f6e0dd0e263fe25ea606da0e47b5b24eab7e6eaaea3de19",
    )),
};

/// Hermez's `powersOfTau28_hez_final_{K}.ptau` (54 contributions and a beacon: the files the
/// snarkjs README lists). Read from its power 9 and 11 files (the same point); canonical =
/// (0x3044…f79e, 0x2618…e23d, 0x0547…1e48, 0x1970…3c02), the `X_2` of published snarkjs
/// PLONK/FFLONK verifiers made with them.
pub const HERMEZ_HEZ_FINAL: Ceremony = Ceremony {
    name: "Hermez Powers of Tau (powersOfTau28_hez_final, 54 contributions + beacon)",
    s_g2: hex128(concat!(
        "928fafb3d0cc3dd716c7fe5a36b98d0adb6c6702fbe795377d7e0efb9f1f2106",
        "36d8956b2b84318ddd639b267eb43295efdc0b100fbac66a52699795b72d2009",
        "69aacab458251d048001be96afedf2784e3c8d7f000fc4ec668bedbbbee51101",
        "2d538df8e9e3b94e0769b193070f1b8b7e3bfeadcc85880fd356b3be595c6900",
    )),
};

/// Every ceremony zkonnx recognises. To add one: `zkonnx srs info FILE` on an SRS made from it
/// (e.g. `zkonnx srs import` of its `.ptau`) prints the 128 bytes.
pub const CEREMONIES: &[Ceremony] = &[PPOT_0071_HALO2, PPOT_0080, HERMEZ_HEZ_FINAL];

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

/// The checks every SRS passes before anything trusts it (an SRS file, a ceremony import, a
/// verification bundle): `g[0]` and `g2` are BN254's generators, and `e(g[1], g2) = e(g[0],
/// s·g2)`, i.e. `g[1]` and `s·g2` hide the same secret. Without the first two, a label read off
/// `s·g2` means nothing: an SRS whose `g2` equals its `s·g2` (a ceremony's `τ·G2` copied in
/// both places) reduces KZG's pairing check to an equation anyone can satisfy, so proofs forge
/// with no secret. `Err` names the point that fails.
pub fn check_points(
    g0: &G1Affine,
    g1: &G1Affine,
    g2: &G2Affine,
    s_g2: &G2Affine,
) -> Result<(), String> {
    use bn254::group::Group;
    use bn254::pairing::{MillerLoopResult, MultiMillerLoop};
    if *g0 != G1Affine::generator() {
        return Err("g[0] is not the BN254 G1 generator (1, 2)".into());
    }
    if *g2 != G2Affine::generator() {
        return Err("g2 is not the BN254 G2 generator".into());
    }
    if bool::from(s_g2.is_identity()) || *s_g2 == G2Affine::generator() {
        return Err("s·g2 is the identity or the generator (a secret of 0 or 1)".into());
    }
    // BN254's G2 has a cofactor: r·s_g2 = 0, written (r − 1)·P + P
    let p = bn254::bn256::G2::from(*s_g2);
    if !bool::from((p * -bn254::bn256::Fr::ONE + p).is_identity()) {
        return Err("s·g2 is not in the G2 subgroup".into());
    }
    let neg_s_g2 = -*s_g2;
    let gt =
        bn254::bn256::Bn256::multi_miller_loop(&[(g1, g2), (g0, &neg_s_g2)]).final_exponentiation();
    if !bool::from(gt.is_identity()) {
        return Err(
            "e(g[1], g2) != e(g[0], s·g2): g[1] and s·g2 are not powers of one secret".into(),
        );
    }
    Ok(())
}

/// [`check_points`], remembered: a page or a server verifies many proofs against one bundle,
/// and the pairing and subgroup checks cost as much as a verification's own pairing. The last
/// few point sets that passed are kept (by their bytes); anything else is checked in full.
pub fn check_points_once(
    g0: &G1Affine,
    g1: &G1Affine,
    g2: &G2Affine,
    s_g2: &G2Affine,
) -> Result<(), String> {
    use std::sync::Mutex;
    static PASSED: Mutex<Vec<[u8; 32]>> = Mutex::new(Vec::new());
    let key = {
        use super::encoding::{g1_bytes, g2_bytes};
        blake2b_256(&[&g1_bytes(g0), &g1_bytes(g1), &g2_bytes(g2), &g2_bytes(s_g2)])
    };
    if PASSED.lock().map(|p| p.contains(&key)).unwrap_or(false) {
        return Ok(());
    }
    check_points(g0, g1, g2, s_g2)?;
    if let Ok(mut p) = PASSED.lock() {
        if p.len() >= 8 {
            p.remove(0);
        }
        p.push(key);
    }
    Ok(())
}

/// [`check_points`] over the raw layout (an SRS file's bytes: Montgomery-form coordinates).
pub fn check_raw_points(
    g0: &[u8; 64],
    g1: &[u8; 64],
    g2: &[u8; 128],
    s_g2: &[u8; 128],
) -> Result<(), String> {
    let p1 = |b: &[u8; 64], what: &str| {
        G1Affine::from_raw_bytes(b)
            .filter(|p| bool::from(p.is_on_curve()))
            .ok_or_else(|| format!("{what} is not a point of G1"))
    };
    let p2 = |b: &[u8; 128], what: &str| {
        G2Affine::from_raw_bytes(b)
            .filter(|p| bool::from(p.is_on_curve()))
            .ok_or_else(|| format!("{what} is not a point of G2"))
    };
    check_points(
        &p1(g0, "g[0]")?,
        &p1(g1, "g[1]")?,
        &p2(g2, "g2")?,
        &p2(s_g2, "s·g2")?,
    )
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
    scale_coordinates(canonical, Fq::from(2u64).pow_vartime([256u64]))
}

/// The raw layout (Montgomery form) to canonical coordinates (the bundle's layout); `None` if a
/// coordinate is not below the modulus.
pub fn canonical_from_raw(raw: &[u8; 128]) -> Option<[u8; 128]> {
    scale_coordinates(
        raw,
        Option::from(Fq::from(2u64).pow_vartime([256u64]).invert())?,
    )
}

/// Each of the four 32-byte little-endian coordinates times `by`; `None` if one is not below
/// the modulus.
fn scale_coordinates(coords: &[u8; 128], by: Fq) -> Option<[u8; 128]> {
    let mut out = [0u8; 128];
    for i in 0..4 {
        let mut c = [0u8; 32];
        c.copy_from_slice(&coords[32 * i..32 * i + 32]);
        let x: Fq = Option::from(Fq::from_repr(c.into()))?;
        out[32 * i..32 * i + 32].copy_from_slice((x * by).to_repr().as_ref());
    }
    Some(out)
}

fn blake2b_256(parts: &[&[u8]]) -> [u8; 32] {
    let mut st = super::blake2b::Blake2b256::new(b"");
    for p in parts {
        st.update(p);
    }
    st.finalize()
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
        // canonical → raw → canonical is the identity
        assert_eq!(
            canonical_from_raw(&PPOT_0071_HALO2.s_g2),
            Some(canonical(&p))
        );
    }

    /// A ceremony's τ·G2 with another g2 (the spoof: g2 = s·g2) fails the checks
    /// every SRS load makes, and so does a g[1] of another secret.
    #[test]
    fn spoofed_points_fail_the_checks() {
        let s_g2 = G2Affine::from_raw_bytes(&PPOT_0071_HALO2.s_g2).unwrap();
        let (g, h) = (G1Affine::generator(), G2Affine::generator());
        let e = check_points(&g, &g, &s_g2, &s_g2).unwrap_err();
        assert!(e.starts_with("g2 is not"), "{e}");
        let e = check_points(&g, &g, &h, &s_g2).unwrap_err();
        assert!(e.starts_with("e(g[1], g2) != e(g[0], s·g2)"), "{e}");
        let e = check_points(&g, &g, &h, &h).unwrap_err();
        assert!(e.contains("a secret of 0 or 1"), "{e}");
        let two = (G1Affine::generator() + G1Affine::generator()).into();
        let e = check_points(&two, &g, &h, &s_g2).unwrap_err();
        assert!(e.starts_with("g[0] is not"), "{e}");
        // a secret both points share passes
        let tau = bn254::bn256::Fr::from(7u64);
        let (g1, sg2): (G1Affine, G2Affine) = ((g * tau).into(), (h * tau).into());
        check_points(&g, &g1, &h, &sg2).unwrap();
    }

    /// The raw bytes of each ceremony equal the canonical coordinates published independently
    /// (big-endian hex, `x.c0, x.c1, y.c0, y.c1`), and each is a point of G2's subgroup.
    #[test]
    fn ceremony_points_match_published_coordinates() {
        let published: [(&Ceremony, [&str; 4]); 2] = [
            (
                &PPOT_0080,
                [
                    "285b1f14edd7e6632340a37dfae9005ff762edcfecfe1c732a7474c0708bef80",
                    "17cc93077f56f654da727c1def86010339c2b4131094547285adb083e48c197b",
                    "2bad9a374aec49d329ec66e8f530f68509313450580c4c17c6db5ddb9bde7fd0",
                    "219edfceee1723de674f5b2f6fdb69d9e32dd53b15844956a630d3c7cdaa6ed9",
                ],
            ),
            (
                &HERMEZ_HEZ_FINAL,
                [
                    "30441fd1b5d3370482c42152a8899027716989a6996c2535bc9f7fee8aaef79e",
                    "26186a2d65ee4d2f9c9a5b91f86597d35f192cd120caf7e935d8443d1938e23d",
                    "054793348f12c0cf5622c340573cb277586319de359ab9389778f689786b1e48",
                    "1970ea81dd6992adfbc571effb03503adbbb6a857f578403c6c40e22d65b3c02",
                ],
            ),
        ];
        for (c, coords) in published {
            let mut le = [0u8; 128];
            for (i, h) in coords.iter().enumerate() {
                let be: Vec<u8> = (0..32)
                    .map(|j| u8::from_str_radix(&h[2 * j..2 * j + 2], 16).unwrap())
                    .collect();
                for j in 0..32 {
                    le[32 * i + j] = be[31 - j];
                }
            }
            assert_eq!(raw_from_canonical(&le), Some(c.s_g2), "{}", c.name);
            let p = G2Affine::from_raw_bytes(&c.s_g2).expect("coordinates below q");
            assert!(bool::from(p.is_on_curve()), "{}", c.name);
            assert_eq!(label_of(&c.s_g2), SrsLabel::Ceremony(c.name));
            assert!(!has_dev_marker(&c.s_g2), "{}", c.name);
        }
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
