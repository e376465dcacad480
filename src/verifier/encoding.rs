//! Byte formats, strict both ways: field elements are 32 bytes little-endian and below the
//! modulus; G1 points in the bundle are `x ‖ y` (64 bytes, the identity as all zeros), G2 points
//! `x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1` (128 bytes); G1 points in a proof are halo2's compressed form
//! (`x` with the sign of `y` in bit 6 of the last byte, the identity as bit 7 alone), accepted
//! only if they re-encode to the very same bytes.

use bn254::bn256::{Fq, Fq2, Fr, G1Affine, G2Affine};
use bn254::ff::{Field, PrimeField};
use bn254::group::prime::PrimeCurveAffine;
use bn254::CurveAffine;

pub fn fr_from_bytes(b: &[u8; 32]) -> Option<Fr> {
    Option::from(Fr::from_repr((*b).into()))
}

fn fq_from_bytes(b: &[u8]) -> Option<Fq> {
    let mut r = [0u8; 32];
    r.copy_from_slice(b);
    Option::from(Fq::from_repr(r.into()))
}

/// `x ‖ y` of a G1 point; all zeros for the identity.
pub fn g1_bytes(p: &G1Affine) -> [u8; 64] {
    let mut out = [0u8; 64];
    if let Some(c) = Option::<bn254::Coordinates<G1Affine>>::from(p.coordinates()) {
        out[..32].copy_from_slice(c.x().to_repr().as_ref());
        out[32..].copy_from_slice(c.y().to_repr().as_ref());
    }
    out
}

pub fn g1_from_bytes(b: &[u8]) -> Option<G1Affine> {
    if b.len() != 64 {
        return None;
    }
    if b.iter().all(|&v| v == 0) {
        return Some(G1Affine::identity());
    }
    let (x, y) = (fq_from_bytes(&b[..32])?, fq_from_bytes(&b[32..])?);
    Option::from(G1Affine::from_xy(x, y))
}

pub fn g2_bytes(p: &G2Affine) -> [u8; 128] {
    let mut out = [0u8; 128];
    if let Some(c) = Option::<bn254::Coordinates<G2Affine>>::from(p.coordinates()) {
        for (i, f) in [c.x().c0(), c.x().c1(), c.y().c0(), c.y().c1()]
            .iter()
            .enumerate()
        {
            out[32 * i..32 * i + 32].copy_from_slice(f.to_repr().as_ref());
        }
    }
    out
}

pub fn g2_from_bytes(b: &[u8]) -> Option<G2Affine> {
    if b.len() != 128 || b.iter().all(|&v| v == 0) {
        return None; // the identity is never a KZG verifier point
    }
    let f = |i: usize| fq_from_bytes(&b[32 * i..32 * i + 32]);
    let x = Fq2::new(f(0)?, f(1)?);
    let y = Fq2::new(f(2)?, f(3)?);
    Option::from(G2Affine::from_xy(x, y))
}

/// A proof's compressed G1 point: `Ok(None)` for the identity, `Err` for bytes that are not
/// the canonical encoding of a point.
pub fn g1_from_compressed(b: &[u8; 32]) -> Result<Option<G1Affine>, &'static str> {
    let flags = b[31] & 0b1100_0000;
    let mut xb = *b;
    xb[31] &= 0b0011_1111;
    if flags & 0b1000_0000 != 0 {
        // the identity: the flag alone
        return if flags == 0b1000_0000 && xb.iter().all(|&v| v == 0) {
            Ok(None)
        } else {
            Err("non-canonical point encoding")
        };
    }
    let x = fq_from_bytes(&xb).ok_or("not a curve point")?;
    let rhs = x.square() * x + Fq::from(3u64);
    let mut y: Fq = Option::from(rhs.sqrt()).ok_or("not a curve point")?;
    let odd = y.to_repr()[0] & 1;
    if odd != (flags >> 6) {
        y = -y;
    }
    // y = 0 has no negative: a sign bit set there is not canonical
    if y.to_repr()[0] & 1 != flags >> 6 {
        return Err("non-canonical point encoding");
    }
    let p: Option<G1Affine> = Option::from(G1Affine::from_xy(x, y));
    p.map(Some).ok_or("not a curve point")
}

/// The compressed form of a G1 point, as halo2's transcript writes it.
pub fn g1_compressed(p: &G1Affine) -> [u8; 32] {
    let mut out = [0u8; 32];
    match Option::<bn254::Coordinates<G1Affine>>::from(p.coordinates()) {
        None => out[31] = 0b1000_0000,
        Some(c) => {
            out.copy_from_slice(c.x().to_repr().as_ref());
            out[31] |= (c.y().to_repr()[0] & 1) << 6;
        }
    }
    out
}

/// A cursor over bundle bytes; every read is bounds-checked and names the field it reads.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

pub type Res<T> = Result<T, String>;

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    pub fn take(&mut self, n: usize, what: &str) -> Res<&'a [u8]> {
        if self.remaining() < n {
            return Err(format!(
                "{what}: the data ends at byte {} (truncated?)",
                self.bytes.len()
            ));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub fn u8(&mut self, what: &str) -> Res<u8> {
        Ok(self.take(1, what)?[0])
    }

    pub fn u32(&mut self, what: &str) -> Res<u32> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    pub fn i32(&mut self, what: &str) -> Res<i32> {
        Ok(self.u32(what)? as i32)
    }

    /// A count of items at least `min_item` bytes each: never more than the bytes left allow.
    pub fn count(&mut self, min_item: usize, what: &str) -> Res<usize> {
        let n = self.u32(what)? as usize;
        if n.saturating_mul(min_item.max(1)) > self.remaining() {
            return Err(format!(
                "{what}: {n} items cannot fit in the {} bytes left (truncated?)",
                self.remaining()
            ));
        }
        Ok(n)
    }

    pub fn fr(&mut self, what: &str) -> Res<Fr> {
        let b: [u8; 32] = self.take(32, what)?.try_into().expect("32 bytes");
        fr_from_bytes(&b).ok_or_else(|| format!("{what}: not a field element"))
    }

    pub fn g1(&mut self, what: &str) -> Res<G1Affine> {
        let b = self.take(64, what)?;
        g1_from_bytes(b).ok_or_else(|| format!("{what}: not a G1 point"))
    }

    pub fn g2(&mut self, what: &str) -> Res<G2Affine> {
        let b = self.take(128, what)?;
        g2_from_bytes(b).ok_or_else(|| format!("{what}: not a G2 point"))
    }
}

/// The writer side of [`Reader`].
#[derive(Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i32(&mut self, v: i32) {
        self.u32(v as u32);
    }
    pub fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).expect("counts fit in u32"));
    }
    pub fn fr(&mut self, f: &Fr) {
        self.0.extend_from_slice(f.to_repr().as_ref());
    }
    pub fn g1(&mut self, p: &G1Affine) {
        self.0.extend_from_slice(&g1_bytes(p));
    }
    pub fn g2(&mut self, p: &G2Affine) {
        self.0.extend_from_slice(&g2_bytes(p));
    }
}
