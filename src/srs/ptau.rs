//! snarkjs `.ptau` files (BN254 only) as halo2 KZG params.
//!
//! Layout: `"ptau"`, u32 version (1), u32 section count, then sections (u32 id, u64 size,
//! data), all little-endian. Section 1, the header: u32 `n8` (32), `q` (`n8` bytes: the base
//! field's modulus), u32 `power`, u32 `ceremonyPower`. Section 2: `τ^i·G1` for
//! `i < 2·2^power − 1`; section 3: `τ^i·G2` for `i < 2^power`. Points are uncompressed with
//! coordinates in Montgomery form, G2 as c0 then c1: byte for byte halo2's raw encoding.
//!
//! [`import`] takes the first `2^k` `τ^i·G1` and `τ^0·G2`, `τ^1·G2` (nothing else is needed),
//! checks them (on the curve, G2 in its subgroup, `τ^0` the generators, and with pairings that
//! the G1 points are consecutive powers of the `τ` of `τ·G2`), and recomputes the Lagrange
//! basis with halo2's own root of unity (snarkjs's Lagrange sections use another one).

use std::collections::HashMap;

use halo2_proofs::poly::commitment::{Params, ParamsProver};
use halo2_proofs::poly::kzg::commitment::ParamsKZG;
use halo2curves::bn256::{Bn256, Fq, Fr, G1Affine, G2Affine};
use halo2curves::ff::{Field, PrimeField};
use halo2curves::group::prime::PrimeCurveAffine;
use halo2curves::group::Group;
use halo2curves::serde::SerdeObject;
use halo2curves::CurveAffine;
use rayon::prelude::*;

use super::{basis, SrsError, G1_BYTES, G2_BYTES};
use crate::settings::MAX_LOGROWS;

const SECTION_HEADER: u32 = 1;
const SECTION_TAU_G1: u32 = 2;
const SECTION_TAU_G2: u32 = 3;

fn section_name(id: u32) -> &'static str {
    match id {
        SECTION_HEADER => "header",
        SECTION_TAU_G1 => "tauG1",
        SECTION_TAU_G2 => "tauG2",
        _ => "other",
    }
}

/// A parsed `.ptau`: its header and where its point sections are. Nothing but the layout is
/// checked until [`Ptau::params`].
#[derive(Debug)]
pub struct Ptau<'a> {
    /// `2^power` powers of tau: an SRS of `k ≤ power`.
    pub power: u32,
    /// the power of the ceremony the file was cut from
    pub ceremony_power: u32,
    tau_g1: &'a [u8],
    tau_g2: &'a [u8],
}

/// Whether these bytes start as a `.ptau`.
pub fn is_ptau(bytes: &[u8]) -> bool {
    bytes.starts_with(b"ptau")
}

/// Parse a `.ptau`'s layout and header (BN254 only).
pub fn parse(bytes: &[u8]) -> Result<Ptau<'_>, SrsError> {
    let len = bytes.len();
    let take = |at: u64, need: u64, what: &dyn Fn() -> String| -> Result<&[u8], SrsError> {
        match at.checked_add(need) {
            Some(end) if end <= len as u64 => Ok(&bytes[at as usize..end as usize]),
            _ => Err(SrsError::PtauTruncated {
                what: what(),
                at,
                need,
                len,
            }),
        }
    };
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let head = take(0, 12, &|| {
        "the file header (magic, version, section count)".into()
    })?;
    if &head[..4] != b"ptau" {
        return Err(SrsError::PtauMagic(head[..4].try_into().unwrap()));
    }
    let version = u32_at(head, 4);
    if version != 1 {
        return Err(SrsError::PtauVersion(version));
    }
    let count = u32_at(head, 8);
    let mut sections: HashMap<u32, &[u8]> = HashMap::new();
    let mut at = 12u64;
    for s in 0..count {
        let sh = take(at, 12, &|| {
            format!("the header of section #{} of {count}", s + 1)
        })?;
        let id = u32_at(sh, 0);
        let size = u64::from_le_bytes(sh[4..12].try_into().unwrap());
        let data = take(at + 12, size, &|| {
            format!("section {id} ({}, {size} bytes)", section_name(id))
        })?;
        if sections.insert(id, data).is_some() {
            return Err(SrsError::PtauDuplicateSection(id));
        }
        at += 12 + size;
    }
    let section = |id: u32| {
        sections
            .get(&id)
            .copied()
            .ok_or(SrsError::PtauMissingSection {
                id,
                name: section_name(id),
            })
    };

    let h = section(SECTION_HEADER)?;
    let short =
        |field: &str| SrsError::PtauHeader(format!("{} bytes, too short to hold {field}", h.len()));
    if h.len() < 4 {
        return Err(short("n8"));
    }
    let n8 = u32_at(h, 0);
    if n8 != 32 {
        return Err(SrsError::PtauWrongCurve {
            field: "n8",
            got: n8.to_string(),
            want: "32".into(),
        });
    }
    if h.len() < 4 + 32 + 8 {
        return Err(short("q, power and ceremonyPower"));
    }
    let q = &h[4..36];
    let want = bn254_modulus_le();
    if q != want {
        let be = |b: &[u8]| {
            b.iter()
                .rev()
                .map(|x| format!("{x:02x}"))
                .collect::<String>()
        };
        return Err(SrsError::PtauWrongCurve {
            field: "q",
            got: format!("0x{}", be(q)),
            want: format!("0x{} (BN254's base field)", be(&want)),
        });
    }
    let power = u32_at(h, 36);
    let ceremony_power = u32_at(h, 40);
    if power == 0 || power > 28 {
        return Err(SrsError::PtauHeader(format!(
            "power {power}: expected 1 to 28"
        )));
    }
    let g1 = section(SECTION_TAU_G1)?;
    let g2 = section(SECTION_TAU_G2)?;
    let n = 1u64 << power;
    for (id, data, expected) in [
        (SECTION_TAU_G1, g1, (2 * n - 1) * G1_BYTES as u64),
        (SECTION_TAU_G2, g2, n * G2_BYTES as u64),
    ] {
        if data.len() as u64 != expected {
            return Err(SrsError::PtauSectionSize {
                id,
                name: section_name(id),
                power,
                expected,
                got: data.len() as u64,
            });
        }
    }
    Ok(Ptau {
        power,
        ceremony_power,
        tau_g1: g1,
        tau_g2: g2,
    })
}

/// BN254's base field modulus, little-endian.
fn bn254_modulus_le() -> [u8; 32] {
    let hex = Fq::MODULUS.trim_start_matches("0x");
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        // byte i little-endian = hex digits from the end
        let at = hex.len() - 2 * (i + 1);
        *b = u8::from_str_radix(&hex[at..at + 2], 16).expect("the modulus is hex");
    }
    out
}

impl Ptau<'_> {
    /// `τ·G2` as the file holds it (raw layout: the SRS's label, [`super::label_of`]).
    pub fn s_g2_raw(&self) -> [u8; G2_BYTES] {
        self.tau_g2[G2_BYTES..2 * G2_BYTES].try_into().unwrap()
    }

    /// The checks every SRS passes before it is labelled ([`super::check`]): `τ^0·G1` and
    /// `τ^0·G2` are the generators, and `τ·G1`, `τ·G2` hide one secret (for `srs info`, which
    /// reads no more; [`Self::params`] checks every power).
    pub fn check_generators(&self) -> Result<(), SrsError> {
        let raw = |b: &[u8], at: usize, len: usize| -> Result<Vec<u8>, SrsError> {
            b.get(at * len..(at + 1) * len)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| SrsError::Spoofed("fewer than two powers of tau".into()))
        };
        let (g0, g1) = (
            raw(self.tau_g1, 0, G1_BYTES)?,
            raw(self.tau_g1, 1, G1_BYTES)?,
        );
        let (g2, s_g2) = (
            raw(self.tau_g2, 0, G2_BYTES)?,
            raw(self.tau_g2, 1, G2_BYTES)?,
        );
        crate::verifier::srs_label::check_raw_points(
            g0.as_slice().try_into().unwrap(),
            g1.as_slice().try_into().unwrap(),
            g2.as_slice().try_into().unwrap(),
            s_g2.as_slice().try_into().unwrap(),
        )
        .map_err(SrsError::Spoofed)
    }

    fn g1(&self, i: usize) -> Result<G1Affine, SrsError> {
        let bad = |why| SrsError::PtauPoint {
            id: SECTION_TAU_G1,
            name: "tauG1",
            index: i,
            why,
        };
        let p = G1Affine::from_raw_bytes(&self.tau_g1[i * G1_BYTES..(i + 1) * G1_BYTES])
            .ok_or(bad("has a coordinate not below the modulus"))?;
        // G1 has cofactor 1: on the curve is in the group
        if !bool::from(p.is_on_curve()) || bool::from(p.is_identity()) {
            return Err(bad("is not a point of G1"));
        }
        Ok(p)
    }

    fn g2(&self, i: usize) -> Result<G2Affine, SrsError> {
        let bad = |why| SrsError::PtauPoint {
            id: SECTION_TAU_G2,
            name: "tauG2",
            index: i,
            why,
        };
        let p = G2Affine::from_raw_bytes(&self.tau_g2[i * G2_BYTES..(i + 1) * G2_BYTES])
            .ok_or(bad("has a coordinate not below the modulus"))?;
        if !bool::from(p.is_on_curve()) || bool::from(p.is_identity()) {
            return Err(bad("is not on the G2 curve"));
        }
        // BN254's G2 curve has a cofactor: r·P must vanish (-1 as a scalar is r - 1)
        let q = halo2curves::bn256::G2::from(p);
        if !bool::from((q * -Fr::ONE + q).is_identity()) {
            return Err(bad("is not in the prime-order subgroup of G2"));
        }
        Ok(p)
    }

    /// Checked halo2 KZG params of size `k ≤ power`.
    pub fn params(&self, k: u32) -> Result<ParamsKZG<Bn256>, SrsError> {
        if k > MAX_LOGROWS {
            return Err(SrsError::KTooLarge(k));
        }
        if k > self.power {
            return Err(SrsError::PtauTooSmall {
                power: self.power,
                k,
            });
        }
        let n = 1usize << k;
        // at least τ^0 and τ^1 (power ≥ 1 gives 3 G1 points), for the pairing checks
        let m = n.max(2);
        let g: Vec<G1Affine> = (0..m)
            .into_par_iter()
            .map(|i| self.g1(i))
            .collect::<Result<_, _>>()?;
        let (g2, s_g2) = (self.g2(0)?, self.g2(1)?);
        if g[0] != G1Affine::generator() {
            return Err(SrsError::PtauPoint {
                id: SECTION_TAU_G1,
                name: "tauG1",
                index: 0,
                why: "(τ^0·G1) is not BN254's G1 generator",
            });
        }
        if g2 != G2Affine::generator() {
            return Err(SrsError::PtauPoint {
                id: SECTION_TAU_G2,
                name: "tauG2",
                index: 0,
                why: "(τ^0·G2) is not BN254's G2 generator",
            });
        }
        // τ·G2 is the τ of the G1 powers
        if !basis::pairs_equal(&g[1], &g2, &g[0], &s_g2) {
            return Err(SrsError::PtauPairing(
                "e(τ^1·G1, G2) ≠ e(G1, τ·G2): the G1 and G2 sections have different secrets",
            ));
        }
        // every g[i+1] = τ·g[i]
        basis::check_powers(&g, &g2, &s_g2).map_err(|_| {
            SrsError::PtauPairing(
                "Σρ_i·τ^(i+1)·G1 and Σρ_i·τ^i·G1 disagree with τ·G2: section 2 (tauG1) is not consecutive powers of τ",
            )
        })?;
        let mut g = g;
        g.truncate(n);
        // g_lagrange: None = recomputed by halo2 (its root of unity)
        Ok(crate::kzg::params_of(k, g, None, g2, s_g2))
    }
}

/// Import a `.ptau` as a halo2 KZG params file of size `k` (halo2's raw layout), with the
/// Lagrange bases of every smaller size ([`basis`]: an inverse FFT over G1 each).
pub fn import(ptau: &[u8], k: u32) -> Result<Vec<u8>, SrsError> {
    let params = parse(ptau)?.params(k)?;
    let mut out = Vec::with_capacity(4 + 2 * (1usize << k) * G1_BYTES + 2 * G2_BYTES);
    params.write(&mut out).expect("write to Vec");
    out.extend_from_slice(&basis::trailer_from_powers(params.get_g(), k));
    // the file must load wherever it goes: the loaders' own check (k ≥ 1, generators, secret)
    super::check(&out)?;
    Ok(out)
}

/// The Perpetual Powers of Tau's phase-2-ready files (PSE, from contribution 0080 with a
/// beacon, cut to each power: `ppot_0080_{power:02}.ptau`, `ppot_0080_final.ptau` for 28), as
/// listed in the "Prepared Phase 2 Files" table of the ceremony's README
/// (github.com/privacy-scaling-explorations/perpetualpowersoftau).
pub mod ppot {
    /// Where the files are.
    pub const BASE_URL: &str =
        "https://pse-trusted-setup-ppot.s3.eu-central-1.amazonaws.com/pot28_0080";

    /// The file of `2^power` powers of tau.
    pub fn file_name(power: u32) -> String {
        if power == 28 {
            "ppot_0080_final.ptau".into()
        } else {
            format!("ppot_0080_{power:02}.ptau")
        }
    }

    /// SHA-256 of each file, by power. The ceremony publishes no SHA-256 (its README lists
    /// Blake2b hashes of the transcript's challenges and responses only): these digests are
    /// the ones projects pinning these files publish (a table of powers 1 to 26 computed by
    /// streaming each file from the bucket above, and agreeing, for powers 12, 14, 16 and 17,
    /// with independent pins of other projects). Powers 27 and 28 are not pinned: `get-srs`
    /// needs `--sha256` for them.
    pub const SHA256: &[(u32, &str)] = &[
        (
            1,
            "c6874ee66aed417f1c6e8472f0851ae3125756c5855b7254f58e6c08b3fa6056",
        ),
        (
            2,
            "d1df5e998972f10d4d5295893ad8ffc6cfb2ba02134071705630f5392499173a",
        ),
        (
            3,
            "3b009905582ca9f1d11ca84d29f14a1d7a15aec10d6bd780fd7917dbdf8d86a1",
        ),
        (
            4,
            "e1fc46e17e9dcf344c0af3f4863874e9814a4d69e9e30ab47fa1c2673c3e86e6",
        ),
        (
            5,
            "9c1bfc4a2895b9beb1df6e95c96785dc9382bee84d84a0d8c56b1061e09d89d1",
        ),
        (
            6,
            "dc32ccae808b5ada09fdba465c939897b741cb321b48819f06b33def7bbbb208",
        ),
        (
            7,
            "cbc0287ae471c59e89f46ba0b61f19613364fb182ca544db8a5abc37765d80aa",
        ),
        (
            8,
            "5c411c13838e8e3ff80b6f87b81a0a92a66d2e64e82dd6af88ffc8ea89a548f6",
        ),
        (
            9,
            "67e59e346767e179a5bd88b4789a56ce376708244c01a32b520ee208dbfb2595",
        ),
        (
            10,
            "75b53cf75b5a1068d3a19575bf8164231b8a4babbf15383490de9c0144a15bf8",
        ),
        (
            11,
            "e6569fe93a6a3ba25b1d0aee9e314fee91820e4989b6b0eb34518b0149862284",
        ),
        (
            12,
            "35e163120e724a60853d0dd76ec54037f7c7b00584392255f71a4341d5a05c50",
        ),
        (
            13,
            "ccee28086e4b81d81a6e16fdee054d1dbd5276362e2662d4205d31de45cb930f",
        ),
        (
            14,
            "3ca1149e9349b22b0ee0649399cfb787677129b7b1189d1899fc0d615d9583db",
        ),
        (
            15,
            "4a8eb5a754ed4710d6ad603c2e1a89c72325a448e4474f8694d2c71c7c272f3d",
        ),
        (
            16,
            "ed3622a7c79b0b49aadd134ebbc5b77df8c8c59bccebdfd0d9bf2c1a51561cf9",
        ),
        (
            17,
            "f807e065fde53f72f4bf4d57140fab85b26daa6cc95bdfec7cce93622b3a367c",
        ),
        (
            18,
            "9693220206afab749e3d88d4ab5fdf5d36120ea102e7e587ccea0e7a5208e711",
        ),
        (
            19,
            "d0cadfb7d5bad6c5e0b012fb1c4bbaa3cc98fe249988f9f99d1818175e4c2015",
        ),
        (
            20,
            "560412532a1205145d5f21585274fb2cef61273496ddc7186aec855aab01a8cd",
        ),
        (
            21,
            "b4131202088141088d83fc05d654a142b51117df0960568613069e0719e7645a",
        ),
        (
            22,
            "9f50df02e370796098cecbb025d46a44c7165cac8bc5ebedd76d97f1129d9653",
        ),
        (
            23,
            "05085994c8aa34e4925585202e178e09fb8acc04e9565311751e8a04dec81cb1",
        ),
        (
            24,
            "d21a509863a643b8fd15af9b2f6f8af9b5928b3138af591edc2b7a731b8c2938",
        ),
        (
            25,
            "a91fd8e8ed3332b5ebafc90bc05329c874133f7d47c6bfe33e26dca0c2d11ee1",
        ),
        (
            26,
            "b354d098efff1c5ded84124fa9020eb2620b0faa62c2c7989217e062bf387651",
        ),
    ];

    /// The pinned SHA-256 (hex) of the file of `power`.
    pub fn sha256(power: u32) -> Option<&'static str> {
        SHA256.iter().find(|(p, _)| *p == power).map(|(_, h)| *h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulus_bytes() {
        let m = bn254_modulus_le();
        assert_eq!(m[0], 0x47);
        assert_eq!(m[31], 0x30);
    }
}
