//! BLAKE2b-256 (RFC 7693) with a personalization, as the verifier's digests use it (the bundle
//! fingerprint, the layout digest, the model ID, the SRS labels). Written out with rolled loops:
//! a few hundred bytes of WebAssembly where a general-purpose crate's unrolled rounds cost 15 KB
//! of the light verifier. Checked against `blake2b_simd` (the tests below).

const IV: [u64; 8] = [
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
    0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1,
    0x9b05_688c_2b3e_6c1f,
    0x1f83_d9ab_fb41_bd6b,
    0x5be0_cd19_137e_2179,
];

/// The message word order of each round (rounds 10 and 11 repeat rounds 0 and 1).
const SIGMA: [[u8; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/// The state positions each of a round's eight mixes works on (columns, then diagonals).
const MIX: [[usize; 4]; 8] = [
    [0, 4, 8, 12],
    [1, 5, 9, 13],
    [2, 6, 10, 14],
    [3, 7, 11, 15],
    [0, 5, 10, 15],
    [1, 6, 11, 12],
    [2, 7, 8, 13],
    [3, 4, 9, 14],
];

const BLOCK: usize = 128;

/// An incremental BLAKE2b with a 32-byte output, no key, and a personalization of up to 16
/// bytes (zero-padded).
#[derive(Clone)]
pub struct Blake2b256 {
    h: [u64; 8],
    buf: [u8; BLOCK],
    filled: usize,
    /// bytes compressed so far
    t: u128,
}

impl Blake2b256 {
    pub fn new(personal: &[u8]) -> Self {
        assert!(
            personal.len() <= 16,
            "a BLAKE2b personalization has at most 16 bytes"
        );
        let mut h = IV;
        // parameter block: digest length 32, no key, fanout 1, depth 1
        h[0] ^= 0x0101_0000 ^ 32;
        let mut p = [0u8; 16];
        p[..personal.len()].copy_from_slice(personal);
        h[6] ^= u64::from_le_bytes(p[..8].try_into().unwrap());
        h[7] ^= u64::from_le_bytes(p[8..].try_into().unwrap());
        Blake2b256 {
            h,
            buf: [0; BLOCK],
            filled: 0,
            t: 0,
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            // the last block is compressed by `finalize` (with the last-block flag)
            if self.filled == BLOCK {
                self.t += BLOCK as u128;
                compress(&mut self.h, &self.buf, self.t, false);
                self.filled = 0;
            }
            let n = (BLOCK - self.filled).min(data.len());
            self.buf[self.filled..self.filled + n].copy_from_slice(&data[..n]);
            self.filled += n;
            data = &data[n..];
        }
    }

    pub fn finalize(mut self) -> [u8; 32] {
        self.t += self.filled as u128;
        self.buf[self.filled..].fill(0);
        compress(&mut self.h, &self.buf, self.t, true);
        let mut out = [0u8; 32];
        for (o, h) in out.chunks_exact_mut(8).zip(&self.h) {
            o.copy_from_slice(&h.to_le_bytes());
        }
        out
    }
}

/// BLAKE2b-256 of `data` with the personalization `personal`.
pub fn hash(personal: &[u8], data: &[u8]) -> [u8; 32] {
    let mut st = Blake2b256::new(personal);
    st.update(data);
    st.finalize()
}

fn compress(h: &mut [u64; 8], block: &[u8; BLOCK], t: u128, last: bool) {
    let mut m = [0u64; 16];
    for (w, c) in m.iter_mut().zip(block.chunks_exact(8)) {
        *w = u64::from_le_bytes(c.try_into().unwrap());
    }
    let mut v = [0u64; 16];
    v[..8].copy_from_slice(h);
    v[8..].copy_from_slice(&IV);
    v[12] ^= t as u64;
    v[13] ^= (t >> 64) as u64;
    if last {
        v[14] = !v[14];
    }
    for r in 0..12 {
        let s = &SIGMA[r % 10];
        for (i, [a, b, c, d]) in MIX.iter().enumerate() {
            let (x, y) = (m[s[2 * i] as usize], m[s[2 * i + 1] as usize]);
            v[*a] = v[*a].wrapping_add(v[*b]).wrapping_add(x);
            v[*d] = (v[*d] ^ v[*a]).rotate_right(32);
            v[*c] = v[*c].wrapping_add(v[*d]);
            v[*b] = (v[*b] ^ v[*c]).rotate_right(24);
            v[*a] = v[*a].wrapping_add(v[*b]).wrapping_add(y);
            v[*d] = (v[*d] ^ v[*a]).rotate_right(16);
            v[*c] = v[*c].wrapping_add(v[*d]);
            v[*b] = (v[*b] ^ v[*c]).rotate_right(63);
        }
    }
    for i in 0..8 {
        h[i] ^= v[i] ^ v[i + 8];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(personal: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        let mut st = blake2b_simd::Params::new()
            .hash_length(32)
            .personal(personal)
            .to_state();
        for p in parts {
            st.update(p);
        }
        st.finalize().as_bytes().try_into().unwrap()
    }

    #[test]
    fn equals_blake2b_simd_at_every_block_boundary() {
        let data: Vec<u8> = (0..600u32).map(|i| (i * 31 + 7) as u8).collect();
        for personal in [&b""[..], b"zkonnx-bundle-fp", b"short"] {
            for len in (0..=300).chain([383, 384, 385, 511, 512, 513, 600]) {
                let d = &data[..len];
                assert_eq!(hash(personal, d), reference(personal, &[d]), "len {len}");
                // split anywhere: the same digest
                for cut in [0, 1.min(len), len / 2, len.saturating_sub(1), len] {
                    let mut st = Blake2b256::new(personal);
                    st.update(&d[..cut]);
                    st.update(&d[cut..]);
                    assert_eq!(
                        st.finalize(),
                        reference(personal, &[d]),
                        "len {len} cut {cut}"
                    );
                }
            }
        }
    }

    #[test]
    fn rfc_7693_abc() {
        // RFC 7693 appendix A gives BLAKE2b-512("abc"); BLAKE2b-256("abc") as b2sum -l 256
        let want = "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319";
        let got: String = hash(b"", b"abc")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(got, want);
    }
}
