//! What the targets share: the real artifacts of one `zkonnx e2e examples/mlp` run
//! (`fuzz/make_seeds.sh`), read once at start-up.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use zkonnx::verifier::{self, Bundle, Fr};

/// `$var` if set, else `fuzz/seeds/<file>` (where make_seeds.sh puts it).
pub fn seed_path(var: &str, file: &str) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("seeds")
            .join(file)
    })
}

/// The bytes of a seed file; a missing file stops the fuzzer at start-up (not a finding).
pub fn read_seed(var: &str, file: &str) -> Vec<u8> {
    let p = seed_path(var, file);
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!(
            "fuzz set-up: cannot read {} ({e}): run `bash fuzz/make_seeds.sh` first, or point \
             {var} at a real {file}",
            p.display()
        )
    })
}

pub struct Real {
    pub bundle_bytes: Vec<u8>,
    pub bundle: Bundle,
    /// the raw proof bytes (`hex_proof`)
    pub proof: Vec<u8>,
    /// `instances[0]`
    pub instances: Vec<Fr>,
}

/// The real bundle (`ZKONNX_FUZZ_BUNDLE`, default fuzz/seeds/verifier.bundle) and the real
/// proof.json (`ZKONNX_FUZZ_PROOF`, default fuzz/seeds/proof.json), checked to verify.
pub fn real() -> &'static Real {
    static REAL: OnceLock<Real> = OnceLock::new();
    REAL.get_or_init(|| {
        let bundle_bytes = read_seed("ZKONNX_FUZZ_BUNDLE", "verifier.bundle");
        let bundle = Bundle::from_bytes(&bundle_bytes)
            .unwrap_or_else(|e| panic!("fuzz set-up: the seed bundle does not parse: {e}"));
        let json = read_seed("ZKONNX_FUZZ_PROOF", "proof.json");
        let v: serde_json::Value = serde_json::from_slice(&json)
            .unwrap_or_else(|e| panic!("fuzz set-up: the seed proof.json is not JSON: {e}"));
        let proof = verifier::hex_bytes(v["hex_proof"].as_str().expect("proof.json: hex_proof"))
            .expect("proof.json: hex_proof");
        let instances: Vec<Fr> = v["instances"][0]
            .as_array()
            .expect("proof.json: instances[0]")
            .iter()
            .map(|h| verifier::from_hex(h.as_str().expect("an instance string")).unwrap())
            .collect();
        assert_eq!(
            verifier::verify(&bundle, &proof, &instances),
            Ok(true),
            "fuzz set-up: the seed proof does not verify against the seed bundle (stale seeds? \
             run `bash fuzz/make_seeds.sh --force`)"
        );
        Real {
            bundle_bytes,
            bundle,
            proof,
            instances,
        }
    })
}

/// FNV-1a: a cheap, deterministic choice from the input.
pub fn hash(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Public values altered in a way picked by `data`: one value changed (from the data's bytes,
/// +1, negated), the digest changed, one dropped or added, two swapped, all zero, none.
pub fn mutate_instances(real: &[Fr], data: &[u8]) -> Vec<Fr> {
    let h = hash(data);
    let mut v = real.to_vec();
    let n = v.len();
    let i = ((h >> 8) % n as u64) as usize;
    let j = ((h >> 32) % n as u64) as usize;
    match h % 9 {
        0 => {
            let mut b = [0u8; 32];
            for (k, x) in data.iter().take(32).enumerate() {
                b[k] = *x;
            }
            b[31] &= 0x0f; // below the modulus
            v[i] = verifier::encoding::fr_from_bytes(&b).expect("below p");
        }
        1 => v[i] += Fr::from(1u64),
        2 => v[i] = -v[i],
        3 => v[0] += Fr::from(h | 1),
        4 => {
            v.pop();
        }
        5 => v.push(Fr::from(h)),
        6 => v.swap(i, j),
        7 => v.iter_mut().for_each(|x| *x = Fr::from(0u64)),
        _ => v.clear(),
    }
    v
}
