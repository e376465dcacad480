//! `Bundle::from_bytes` on any bytes: never a panic; a bundle that parses re-encodes to the
//! very same bytes, and its fingerprint, layout and SRS label are computable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkonnx::verifier::{self, encoding, plonk, srs_label, Bundle, Fr};

fuzz_target!(|data: &[u8]| {
    let Ok(b) = Bundle::from_bytes(data) else {
        return;
    };
    let out = b.to_bytes();
    assert!(
        out == data,
        "a parsed bundle does not re-encode to its bytes"
    );
    let fp = b.fingerprint();
    assert_eq!(fp.len(), 64);
    let _ = plonk::proof_len(&b);
    let _ = srs_label::label_of_canonical(&encoding::g2_bytes(&b.s_g2));
    let n = b.num_public();
    // the public-values checks: wrong count, then (for small layouts) the right count with the
    // layout digest in row 0
    let _ = b.decode(&[]);
    assert!(!matches!(verifier::verify(&b, &[], &[]), Ok(true)));
    if n <= 1 << 12 {
        let mut inst = vec![Fr::from(0u64); n];
        inst[0] = b.public.digest();
        let _ = b.decode(&inst);
        assert!(!matches!(verifier::verify(&b, &[], &inst), Ok(true)));
    }
});
