//! What a verifier pins, and the one wording every verifier uses to say so (the CLI's report,
//! `zkonnx/verifier`, the web pages: all read these constants; the READMEs quote them and a
//! test checks they agree).
//!
//! **The model ID** is one value that pins everything a proof's meaning depends on:
//!
//! ```text
//! model id = Blake2b-256( "zkonnx model id v1" ‖ fingerprint (32 bytes) ‖ params commitment (32 bytes, big-endian; absent unless params are hashed) )
//! ```
//!
//! - the **fingerprint** (Blake2b over the verification bundle, [`super::Bundle::fingerprint`])
//!   covers the circuit and its keys (gates, lookups and their tables, the permutation, the
//!   fixed columns: every op, coefficient, rescale divisor, constant, tree structure and, with
//!   `fixed` params, the weights), the public values' layout, and the SRS points verification
//!   reads (`g[0]`, `g[1]`, `g2`, `s·g2`);
//! - the **params commitment** (a public instance, chosen by whoever proves) binds the weights
//!   and the salt, not the circuit.
//!
//! Either alone leaves a door open: a commitment alone accepts the same weights under another
//! circuit (an op swapped, a step appended); a fingerprint alone accepts other weights of the
//! same circuit. `docs/trust.md` says how to recompute the model ID from public files.

use super::publics::{fr_from_hex_be, fr_hex_be, Decoded, PublicTensor, Role};
use bn254::bn256::Fr;
use bn254::ff::PrimeField;

/// The model ID's domain prefix.
pub const MODEL_ID_DOMAIN: &[u8] = b"zkonnx model id v1";

/// What a modeler publishes (one wording: the CLI, the JS docs and the pages show this text).
pub const PUBLISH: &str = "Publish the model ID (zkonnx commit prints it once the keys exist: after the final calibrate-settings, compile-circuit and setup) and where verifiers can fetch verifier.bundle; recalibrating, recompiling or setting up with another SRS makes another model ID.";

/// What a verifier pins (one wording, as [`PUBLISH`]).
pub const PIN: &str = "Check every proof against the model ID its owner published (zkonnx verify --model-id, verify(proof, bundle, { modelId }), the verify page's ?model=): it pins the circuit, its keys, the SRS and the params commitment; a params commitment or a fingerprint alone leaves part of the model unpinned.";

/// The texts the bindings hand out as `trustText()`: `(key, text)`.
pub const TEXTS: [(&str, &str); 2] = [("publish", PUBLISH), ("pin", PIN)];

/// How much of the model a verification compared with published values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pinning {
    /// the model ID (or the fingerprint and, with hashed params, the params commitment)
    Model,
    /// the params commitment alone: the circuit is not pinned
    WeightsOnly,
    /// the circuit and keys (the fingerprint, or the model ID of a model with private params),
    /// not the weights
    CircuitOnly,
    /// nothing published was compared
    Nothing,
}

/// How a model's params are bound, as the bundle says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Params {
    /// a salted Poseidon commitment among the public values
    Hashed,
    /// in the verifying key's fixed columns (covered by the fingerprint)
    Fixed,
    /// witness only: not bound
    Private,
    /// in parameter columns linked to salted commitments in the keys (covered by the
    /// fingerprint)
    Committed,
}

/// What a proof establishes about the params, the input and the output under each visibility:
/// `(role, visibility, wording)`, the one table the CLI (its warnings and its report),
/// `zkonnx/verifier`'s `trustText().visibility` and the web app's pages read.
pub const VISIBILITY: [(&str, &str, &str); 12] = [
    ("params", "hashed", "the proof binds the weights to a salted commitment, part of the model ID you publish; the weights stay private"),
    ("params", "fixed", "the weights are in the verifying key (anyone holding it can test a guessed model against it)"),
    ("params", "private", "the proof does NOT bind the model: any weights of this architecture verify"),
    ("params", "committed", "the proof links the weights to salted commitments published with the keys (the fingerprint and the model ID pin them); the weights stay private"),
    ("params", "public", "not allowed (use fixed or hashed)"),
    ("input", "public", "its values are in the proof, and the proof is about exactly them"),
    ("input", "hashed", "the proof carries a Poseidon commitment of the input; the values stay private"),
    ("input", "private", "the proof holds for SOME input, which it does not identify"),
    ("input", "fixed", "the values are in the verifying key"),
    ("output", "public", "the proven outputs are in the proof"),
    ("output", "hashed", "the proof carries a commitment of the outputs; the values stay private"),
    ("output", "private", "the outputs are neither revealed nor bound"),
];

/// [`VISIBILITY`]'s wording for `role` (`params`, `input`, `output`) under `visibility`.
pub fn visibility_meaning(role: &str, visibility: &str) -> Option<&'static str> {
    VISIBILITY
        .iter()
        .find(|(r, v, _)| *r == role && *v == visibility)
        .map(|(_, _, m)| *m)
}

impl Params {
    /// The report's line on the params (CLI, `zkonnx/verifier`, the verify page).
    pub fn meaning(self) -> &'static str {
        match self {
            Params::Hashed => "hashed: the proof carries a salted commitment of the weights; the model ID pins it",
            Params::Fixed => "fixed: the weights are in the verifying key, bound by the fingerprint and the model ID",
            Params::Private => "NOT bound by this proof (private params): any weights of this circuit verify, whatever the model ID",
            Params::Committed => "committed: the proof links the weights to salted commitments in the keys, bound by the fingerprint and the model ID",
        }
    }
}

impl Pinning {
    /// A short tag for programs (`zkonnx/verifier`'s `pinned`).
    pub fn tag(self) -> &'static str {
        match self {
            Pinning::Model => "model",
            Pinning::WeightsOnly => "weights-only",
            Pinning::CircuitOnly => "circuit-only",
            Pinning::Nothing => "nothing",
        }
    }

    /// What the verification established about the model (one wording everywhere).
    pub fn statement(self) -> &'static str {
        match self {
            Pinning::Model => "the model ID matches: the proof was made by the published model (its circuit, keys and SRS, and its weights)",
            Pinning::WeightsOnly => "the params commitment matches, but the circuit was NOT pinned: the same weights and salt under another circuit (an op swapped, a step appended) verify against a commitment alone; check the model ID",
            Pinning::CircuitOnly => "the circuit and its keys match, but the weights were NOT pinned: other weights of this circuit verify (private params, or a fingerprint without the params commitment); check the model ID of a model whose params are hashed or fixed",
            Pinning::Nothing => "nothing published was compared: the proof is valid for the keys it was checked with, whoever made them; check it against the model ID its owner published",
        }
    }
}

/// The model ID (32 bytes) of a bundle fingerprint and the params commitment (hashed params).
pub fn model_id(fingerprint: &[u8; 32], param_commitment: Option<&Fr>) -> [u8; 32] {
    let mut st = super::blake2b::Blake2b256::new(b"");
    st.update(MODEL_ID_DOMAIN);
    st.update(fingerprint);
    if let Some(c) = param_commitment {
        let mut be = c.to_repr();
        be.as_mut().reverse();
        st.update(be.as_ref());
    }
    st.finalize()
}

/// `0x` and 64 lowercase hex digits.
pub fn hex32(b: &[u8; 32]) -> String {
    let mut s = String::with_capacity(66);
    s.push_str("0x");
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}

/// 32 bytes from 64 hex digits (an optional `0x`, any case, surrounding blanks).
pub fn parse_hex32(s: &str) -> Result<[u8; 32], String> {
    let t = s.trim();
    let h = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{s}` is not 64 hex digits"));
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// What a verifier expects. Every field present is compared; a mismatch is an error naming it.
/// In `input_commitments` / `output_commitments`, entry `i` is tensor `i`'s commitment (`None`:
/// not compared).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expect {
    pub model_id: Option<String>,
    pub param_commitment: Option<String>,
    pub input_commitments: Vec<Option<String>>,
    pub output_commitments: Vec<Option<String>>,
    pub fingerprint: Option<String>,
}

/// What a verified proof says of its model, from the bundle and the proof's instances.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    /// the bundle's fingerprint
    pub fingerprint: [u8; 32],
    /// the params commitment in the proof's instances (hashed params)
    pub param_commitment: Option<Fr>,
    pub params: Params,
    /// the model ID of the two
    pub model_id: [u8; 32],
}

impl Identity {
    pub fn new(
        fingerprint: [u8; 32],
        public: &[(PublicTensor, Decoded)],
        in_keys: Params,
    ) -> Identity {
        let param_commitment = public.iter().find_map(|(t, d)| match d {
            Decoded::Commitment(c) if t.role == Role::Params => Some(*c),
            _ => None,
        });
        Identity::of(fingerprint, param_commitment, in_keys)
    }

    /// The identity of keys with this fingerprint and, with hashed params, this commitment;
    /// `in_keys`: how the keys hold the params when no commitment is public (`Fixed`,
    /// `Committed` or `Private`).
    pub fn of(fingerprint: [u8; 32], param_commitment: Option<Fr>, in_keys: Params) -> Identity {
        let params = match param_commitment {
            Some(_) => Params::Hashed,
            None => in_keys,
        };
        Identity {
            fingerprint,
            param_commitment,
            params,
            model_id: model_id(&fingerprint, param_commitment.as_ref()),
        }
    }

    pub fn model_id_hex(&self) -> String {
        hex32(&self.model_id)
    }
}

/// The field names the CLI and JS use, for the error messages.
#[derive(Clone, Copy, Debug)]
pub struct Names {
    pub model_id: &'static str,
    pub param_commitment: &'static str,
    pub input_commitments: &'static str,
    pub output_commitments: &'static str,
    pub fingerprint: &'static str,
}

pub const CLI_NAMES: Names = Names {
    model_id: "--model-id",
    param_commitment: "--param-commitment",
    input_commitments: "--input-commitment",
    output_commitments: "--output-commitment",
    fingerprint: "--fingerprint",
};

pub const JS_NAMES: Names = Names {
    model_id: "modelId",
    param_commitment: "paramCommitment",
    input_commitments: "inputCommitments",
    output_commitments: "outputCommitments",
    fingerprint: "fingerprint",
};

/// Why an expectation failed: `Malformed` (the expected value is not a value: a caller's
/// error), `Mismatch` (the proof is not of the expected model or tensors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failed {
    Malformed(String),
    Mismatch(String),
}

impl core::fmt::Display for Failed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Failed::Malformed(m) | Failed::Mismatch(m) => f.write_str(m),
        }
    }
}

/// Compare the expectations with what the proof says (`public`: its decoded instances); how much
/// of the model they pinned, or why they failed. Only call this for a valid proof.
pub fn check(
    id: &Identity,
    public: &[(PublicTensor, Decoded)],
    e: &Expect,
    names: &Names,
) -> Result<Pinning, Failed> {
    let fr = |name: &str, s: &str| {
        fr_from_hex_be(s).map_err(|m| Failed::Malformed(format!("{name}: {m}")))
    };
    let mut circuit = false;
    let mut weights = false;
    if let Some(want) = &e.model_id {
        let w =
            parse_hex32(want).map_err(|m| Failed::Malformed(format!("{}: {m}", names.model_id)))?;
        if w != id.model_id {
            return Err(Failed::Mismatch(format!(
                "{}: MISMATCH: this proof and bundle are of model {}, expected {}: another model \
                 (another circuit, other keys or SRS, or other weights) made it",
                names.model_id,
                id.model_id_hex(),
                hex32(&w)
            )));
        }
        circuit = true;
        weights = true;
    }
    if let Some(want) = &e.fingerprint {
        let w = parse_hex32(want)
            .map_err(|m| Failed::Malformed(format!("{}: {m}", names.fingerprint)))?;
        if w != id.fingerprint {
            return Err(Failed::Mismatch(format!(
                "{}: MISMATCH: the keys' fingerprint is {}, expected {}",
                names.fingerprint,
                &hex32(&id.fingerprint)[2..],
                &hex32(&w)[2..]
            )));
        }
        circuit = true;
    }
    if let Some(want) = &e.param_commitment {
        let w = fr(names.param_commitment, want)?;
        match id.param_commitment {
            None => {
                return Err(Failed::Mismatch(format!(
                    "{}: this proof has no params commitment (its params are not hashed)",
                    names.param_commitment
                )))
            }
            Some(c) if c != w => {
                return Err(Failed::Mismatch(format!(
                    "{}: MISMATCH: the proof commits to {}, expected {}",
                    names.param_commitment,
                    fr_hex_be(&c),
                    fr_hex_be(&w)
                )))
            }
            Some(_) => weights = true,
        }
    }
    for (role, wants, name) in [
        (Role::Input, &e.input_commitments, names.input_commitments),
        (
            Role::Output,
            &e.output_commitments,
            names.output_commitments,
        ),
    ] {
        let have: Vec<Fr> = public
            .iter()
            .filter_map(|(t, d)| match d {
                Decoded::Commitment(c) if t.role == role => Some(*c),
                _ => None,
            })
            .collect();
        if wants.len() > have.len() && wants.iter().skip(have.len()).any(Option::is_some) {
            return Err(Failed::Mismatch(format!(
                "{name}: {} expected, but this proof has {} {} commitment(s) ({})",
                wants.len(),
                have.len(),
                if role == Role::Input {
                    "input"
                } else {
                    "output"
                },
                if have.is_empty() {
                    "that tensor is not hashed"
                } else {
                    "one per hashed tensor"
                }
            )));
        }
        for (i, want) in wants.iter().enumerate() {
            let Some(want) = want else { continue };
            let w = fr(&format!("{name}[{i}]"), want)?;
            if have[i] != w {
                return Err(Failed::Mismatch(format!(
                    "{name}[{i}]: MISMATCH: the proof commits to {}, expected {}",
                    fr_hex_be(&have[i]),
                    fr_hex_be(&w)
                )));
            }
        }
    }
    // fixed params are in the keys the circuit pins; private ones are bound by nothing
    let weights = match id.params {
        Params::Hashed => weights,
        Params::Fixed | Params::Committed => circuit,
        Params::Private => false,
    };
    Ok(match (circuit, weights) {
        (true, true) => Pinning::Model,
        (true, false) => Pinning::CircuitOnly,
        (false, _) if e.param_commitment.is_some() => Pinning::WeightsOnly,
        (false, _) => Pinning::Nothing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verifier::publics::Encoding;

    fn tensor(role: Role) -> PublicTensor {
        PublicTensor {
            role,
            index: 0,
            scale: 0,
            shape: vec![1],
            encoding: Encoding::Commitment,
        }
    }

    fn hashed() -> (Identity, Vec<(PublicTensor, Decoded)>) {
        let public = vec![
            (tensor(Role::Params), Decoded::Commitment(Fr::from(7))),
            (tensor(Role::Output), Decoded::Commitment(Fr::from(9))),
        ];
        (Identity::new([3; 32], &public, Params::Private), public)
    }

    #[test]
    fn model_id_covers_fingerprint_and_commitment() {
        let a = model_id(&[1; 32], Some(&Fr::from(5)));
        assert_ne!(a, model_id(&[2; 32], Some(&Fr::from(5))));
        assert_ne!(a, model_id(&[1; 32], Some(&Fr::from(6))));
        assert_ne!(a, model_id(&[1; 32], None));
        // the definition, spelled out: Blake2b-256 of the domain, the fingerprint, the commitment
        let mut bytes = MODEL_ID_DOMAIN.to_vec();
        bytes.extend([1; 32]);
        bytes.extend([0; 31]);
        bytes.push(5);
        let h = blake2b_simd::Params::new().hash_length(32).hash(&bytes);
        assert_eq!(&a[..], h.as_bytes());
    }

    #[test]
    fn pinning_says_what_was_compared() {
        let (id, public) = hashed();
        let c = |e: Expect| check(&id, &public, &e, &CLI_NAMES);
        assert_eq!(c(Expect::default()), Ok(Pinning::Nothing));
        let commitment = Some(fr_hex_be(&Fr::from(7)));
        let fp = Some(hex32(&[3; 32]));
        assert_eq!(
            c(Expect {
                param_commitment: commitment.clone(),
                ..Default::default()
            }),
            Ok(Pinning::WeightsOnly)
        );
        assert_eq!(
            c(Expect {
                fingerprint: fp.clone(),
                ..Default::default()
            }),
            Ok(Pinning::CircuitOnly)
        );
        assert_eq!(
            c(Expect {
                fingerprint: fp,
                param_commitment: commitment,
                ..Default::default()
            }),
            Ok(Pinning::Model)
        );
        assert_eq!(
            c(Expect {
                model_id: Some(id.model_id_hex().to_uppercase().replace("0X", "0x")),
                ..Default::default()
            }),
            Ok(Pinning::Model)
        );
        let other = hex32(&[0; 32]);
        let e = c(Expect {
            model_id: Some(other),
            ..Default::default()
        })
        .unwrap_err();
        assert!(
            matches!(&e, Failed::Mismatch(m) if m.starts_with("--model-id: MISMATCH")),
            "{e}"
        );
        let e = c(Expect {
            model_id: Some("0x12".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(
            matches!(&e, Failed::Malformed(m) if m.starts_with("--model-id:")),
            "{e}"
        );
    }

    #[test]
    fn every_hashed_tensor_can_be_checked() {
        let (id, public) = hashed();
        let c = |e: Expect| check(&id, &public, &e, &JS_NAMES);
        let nine = Some(fr_hex_be(&Fr::from(9)));
        let ok = Expect {
            output_commitments: vec![nine.clone()],
            ..Default::default()
        };
        assert_eq!(c(ok), Ok(Pinning::Nothing));
        let wrong = Expect {
            output_commitments: vec![Some(fr_hex_be(&Fr::from(8)))],
            ..Default::default()
        };
        assert!(
            matches!(c(wrong), Err(Failed::Mismatch(m)) if m.starts_with("outputCommitments[0]: MISMATCH"))
        );
        let too_many = Expect {
            output_commitments: vec![nine.clone(), nine],
            ..Default::default()
        };
        assert!(matches!(c(too_many), Err(Failed::Mismatch(_))));
        let none = Expect {
            input_commitments: vec![Some(fr_hex_be(&Fr::from(9)))],
            ..Default::default()
        };
        assert!(matches!(c(none), Err(Failed::Mismatch(m)) if m.contains("not hashed")));
    }

    #[test]
    fn fixed_params_are_pinned_by_the_fingerprint() {
        let id = Identity::new([4; 32], &[], Params::Fixed);
        assert_eq!(id.params, Params::Fixed);
        let e = Expect {
            fingerprint: Some(hex32(&[4; 32])),
            ..Default::default()
        };
        assert_eq!(check(&id, &[], &e, &CLI_NAMES), Ok(Pinning::Model));
        let private = Identity::new([4; 32], &[], Params::Private);
        assert_eq!(private.params, Params::Private);
        // private params: the model ID pins the circuit, never the weights
        let e = Expect {
            model_id: Some(private.model_id_hex()),
            ..Default::default()
        };
        assert_eq!(
            check(&private, &[], &e, &CLI_NAMES),
            Ok(Pinning::CircuitOnly)
        );
    }
}
