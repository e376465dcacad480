//! Field elements <-> fixed-point integers and ezkl's 64-hex-digit little-endian strings.

use halo2curves::bn256::Fr;
use halo2curves::ff::PrimeField;

/// The field element of a signed integer (negative values wrap to `p - |v|`).
pub fn from_i64(v: i64) -> Fr {
    if v >= 0 {
        Fr::from(v as u64)
    } else {
        -Fr::from(v.unsigned_abs())
    }
}

pub fn from_i128(v: i128) -> Fr {
    let mag = v.unsigned_abs();
    let f = Fr::from((mag >> 64) as u64) * Fr::from_u128(1u128 << 64) + Fr::from(mag as u64);
    if v < 0 {
        -f
    } else {
        f
    }
}

/// The signed integer a field element encodes, if it lies in `(-2^63, 2^63)`.
pub fn to_i64(f: &Fr) -> Option<i64> {
    let pos = f.to_repr();
    let neg = (-*f).to_repr();
    let small = |b: &[u8]| b[8..].iter().all(|&x| x == 0) && b[7] < 0x80;
    if small(pos.as_ref()) {
        Some(u64::from_le_bytes(pos.as_ref()[..8].try_into().unwrap()) as i64)
    } else if small(neg.as_ref()) {
        Some(-(u64::from_le_bytes(neg.as_ref()[..8].try_into().unwrap()) as i64))
    } else {
        None
    }
}

/// The field element of canonical little-endian bytes (the caller guarantees `< p`).
pub fn from_repr(b: [u8; 32]) -> Fr {
    let mut repr = <Fr as PrimeField>::Repr::default();
    repr.as_mut().copy_from_slice(&b);
    Option::from(Fr::from_repr(repr)).expect("canonical bytes")
}

/// As the light verifier's field element (the same field, another crate).
pub fn to_verifier(f: &Fr) -> crate::verifier::Fr {
    let mut b = [0u8; 32];
    b.copy_from_slice(f.to_repr().as_ref());
    crate::verifier::encoding::fr_from_bytes(&b).expect("the same field")
}

/// Big-endian `0x…` hex, how commitments are printed.
pub fn to_hex_be(f: &Fr) -> String {
    crate::verifier::publics::fr_hex_be(&to_verifier(f))
}

/// From the light verifier's field element.
pub fn from_verifier(v: &crate::verifier::Fr) -> Fr {
    use bn254::ff::PrimeField as _;
    let mut b = [0u8; 32];
    b.copy_from_slice(v.to_repr().as_ref());
    from_repr(b)
}

/// Parse a commitment or salt in `0x…` big-endian hex.
pub fn from_hex_be(s: &str) -> Result<Fr, String> {
    Ok(from_verifier(&crate::verifier::publics::fr_from_hex_be(s)?))
}

/// 64 hex digits, little-endian bytes (ezkl's witness and proof encoding).
pub fn to_hex(f: &Fr) -> String {
    f.to_repr()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parse a 64-hex-digit little-endian field element (an optional `0x` is accepted): the
/// light verifier's parser, the one place this encoding is read.
pub fn from_hex(s: &str) -> Result<Fr, String> {
    Ok(from_verifier(&crate::verifier::from_hex(s)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        for v in [0i64, 1, -1, 127, -32768, i64::MAX, i64::MIN + 1] {
            let f = from_i64(v);
            assert_eq!(to_i64(&f), Some(v));
            assert_eq!(from_hex(&to_hex(&f)).unwrap(), f);
        }
        assert_eq!(to_hex(&from_i64(1)), format!("01{}", "0".repeat(62)));
        assert_eq!(from_i128(-(1i128 << 70)), -from_i128(1i128 << 70));
        assert!(from_hex("zz").is_err());
    }
}
