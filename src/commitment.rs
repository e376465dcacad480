//! Poseidon commitments of quantized tensors (the `hashed` visibility), natively, over any
//! BN254 scalar field type (the prover's and the light verifier's). The circuit computes the
//! very same function (`circuit::commit`); JavaScript gets it from the light verifier module.
//!
//! **The sponge.** circomlib's Poseidon permutation with width `t = 5` (x^5 S-box, 8 full and 60
//! partial rounds, circomlib's round constants and MDS matrix: [`crate::poseidon`]), capacity
//! one element (state[0]), rate four (state[1..5]).
//! - initial state `[tag, 0, 0, 0, 0]` with `tag = n·2^16 + W·2^8 + kind`
//!   (`n` values, `W` bits per value, `kind` 1 = params, 2 = input, 3 = output);
//! - message `[salt, e_0, e_1, …]`, zero-padded to a multiple of 4 (unambiguous: `n` is in the tag);
//! - per block of 4: `state[1+i] += block[i]`, then the permutation;
//! - the commitment is `state[1]` after the last block.
//!
//! **Packing.** A value `v` must lie in `[−2^(W−1), 2^(W−1))`; its limb is `v + 2^(W−1) ∈ [0, 2^W)`.
//! `P = ⌊253 / W⌋` limbs make one element, the first value in the highest limb:
//! `e_j = Σ_{i<m} limb_{jP+i} · 2^(W·(m−1−i))` with `m = min(P, n − jP)`. So `P·W ≤ 253` bits and
//! no element wraps the field: packing is injective, and the circuit range-checks every limb.
//!
//! The salt is a field element: random (secret) for params, so the commitment reveals nothing
//! about the weights and cannot be used to test a guessed model; 0 for unsalted inputs/outputs.

use ff::PrimeField;

use crate::poseidon;

/// The permutation's width and the sponge's rate.
pub const WIDTH: usize = 5;
pub const RATE: usize = 4;
/// Largest supported bits per packed value.
pub const MAX_LIMB_BITS: u32 = 64;
/// Bits of a packed element (below BN254's 253.6-bit modulus).
pub const ELEMENT_BITS: u32 = 253;

/// What a commitment is of (part of its tag).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Params = 1,
    Input = 2,
    Output = 3,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitError {
    #[error("commitment: value {value} at position {pos} is outside [-2^{w1}, 2^{w1}) (W = {bits} bits per packed value)", w1 = bits - 1)]
    OutOfRange { pos: usize, value: i64, bits: u32 },
    #[error("commitment: {0} bits per value is outside 2..=64")]
    LimbBits(u32),
}

/// Values packed per field element.
pub fn per_element(limb_bits: u32) -> usize {
    (ELEMENT_BITS / limb_bits.max(1)) as usize
}

/// The sponge's initial capacity element.
pub fn tag(kind: Kind, n: usize, limb_bits: u32) -> u128 {
    ((n as u128) << 16) | ((limb_bits as u128) << 8) | kind as u128
}

/// `v + 2^(W−1)`, checked.
pub fn limb(v: i64, pos: usize, limb_bits: u32) -> Result<u64, CommitError> {
    let off = 1i128 << (limb_bits - 1);
    let l = v as i128 + off;
    if l < 0 || l >= 2 * off {
        return Err(CommitError::OutOfRange {
            pos,
            value: v,
            bits: limb_bits,
        });
    }
    Ok(l as u64)
}

fn check_bits(limb_bits: u32) -> Result<(), CommitError> {
    if !(2..=MAX_LIMB_BITS).contains(&limb_bits) {
        return Err(CommitError::LimbBits(limb_bits));
    }
    Ok(())
}

/// The packed elements of `values`.
pub fn pack<F: PrimeField>(values: &[i64], limb_bits: u32) -> Result<Vec<F>, CommitError> {
    check_bits(limb_bits)?;
    let shift = F::from_u128(1u128 << limb_bits);
    let p = per_element(limb_bits);
    values
        .chunks(p)
        .enumerate()
        .map(|(j, chunk)| {
            let mut e = F::ZERO;
            for (i, &v) in chunk.iter().enumerate() {
                e = e * shift + F::from(limb(v, j * p + i, limb_bits)?);
            }
            Ok(e)
        })
        .collect()
}

/// The sponge over `[salt] ++ elements` with the given tag (see the module docs).
pub fn sponge<F: PrimeField>(tag: u128, salt: F, elements: &[F]) -> F {
    let c = poseidon::constants::<F>(WIDTH);
    let mut state = [F::ZERO; WIDTH];
    state[0] = F::from_u128(tag);
    let msg: Vec<F> = std::iter::once(salt)
        .chain(elements.iter().copied())
        .collect();
    for block in msg.chunks(RATE) {
        for (i, x) in block.iter().enumerate() {
            state[1 + i] += *x;
        }
        poseidon::permute(&c, &mut state);
    }
    state[1]
}

/// The commitment of a tensor's quantized values.
pub fn commit<F: PrimeField>(
    kind: Kind,
    values: &[i64],
    salt: F,
    limb_bits: u32,
) -> Result<F, CommitError> {
    let e = pack::<F>(values, limb_bits)?;
    Ok(sponge(tag(kind, values.len(), limb_bits), salt, &e))
}

/// Blocks the sponge absorbs for `n` values (the salt included).
pub fn blocks(n: usize, limb_bits: u32) -> usize {
    (1 + n.div_ceil(per_element(limb_bits))).div_ceil(RATE)
}
