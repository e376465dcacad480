//! ezkl-compatible JSON files: `input.json`, `witness.json`, `proof.json`.

use serde::{Deserialize, Serialize};

/// `input.json` / calibration data: one flat row-major list per model input. In calibration
/// data a list may hold several samples back to back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputData {
    pub input_data: Vec<Vec<f64>>,
}

/// Errors in the JSON files.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("{file}: {source}")]
    Json {
        file: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("{file}: {msg}")]
    Invalid { file: &'static str, msg: String },
}

/// How `input_data` is shaped, for the errors that find it shaped otherwise.
pub const INPUT_DATA_SHAPE: &str = "`input_data` holds one list per model input, each that \
     input's values flattened; several samples of one input go back to back in its one list \
     (not as more lists)";

impl InputData {
    /// The data split into samples: each input's list may hold several samples back to back
    /// (calibration data); `file` names the data in errors.
    pub fn samples(
        &self,
        file: &'static str,
        input_lens: &[usize],
    ) -> Result<Vec<Vec<Vec<f64>>>, FormatError> {
        let bad = |msg: String| FormatError::Invalid { file, msg };
        if self.is_empty_for(input_lens.len()) {
            return Ok(vec![vec![]]);
        }
        if self.input_data.len() != input_lens.len() {
            return Err(bad(format!(
                "{} inputs, the model has {}: {}",
                self.input_data.len(),
                input_lens.len(),
                INPUT_DATA_SHAPE
            )));
        }
        let mut n = None;
        for (i, (x, &len)) in self.input_data.iter().zip(input_lens).enumerate() {
            if len == 0 || x.is_empty() || x.len() % len != 0 {
                return Err(bad(format!(
                    "input {i} holds {} values, not a multiple of its size {len}",
                    x.len()
                )));
            }
            let k = x.len() / len;
            if n.is_some_and(|m| m != k) {
                return Err(bad("inputs hold different numbers of samples".into()));
            }
            n = Some(k);
        }
        // a model without inputs: one sample, of nothing
        let n = n.unwrap_or(1);
        Ok((0..n)
            .map(|s| {
                self.input_data
                    .iter()
                    .zip(input_lens)
                    .map(|(x, &len)| x[s * len..(s + 1) * len].to_vec())
                    .collect()
            })
            .collect())
    }

    /// Whether this is the data of a model without inputs: no list, or empty ones (ezkl's
    /// `[[]]`).
    pub fn is_empty_for(&self, n_inputs: usize) -> bool {
        n_inputs == 0 && self.input_data.iter().all(|x| x.is_empty())
    }

    /// Drop input lists beyond the model's `n` inputs, as ezkl does (exporters such as
    /// PyTorch's leave unused inputs out of the graph, while the data keeps every one): the
    /// warning to show the user when lists were dropped, naming the inputs kept. Fewer lists
    /// than inputs stay an error where the data is read.
    pub fn keep_first(&mut self, names: &[String]) -> Option<String> {
        let n = names.len();
        if self.input_data.len() <= n {
            return None;
        }
        let extra = self.input_data.len() - n;
        let dropped_values = self.input_data[n..].iter().any(|x| !x.is_empty());
        self.input_data.truncate(n);
        // `[[]]` for a model without inputs (ezkl's arange example) drops nothing
        dropped_values.then(|| {
            format!(
                "the data holds {} input lists, the model has {n} input(s) ({}): using the first \
             {n} and ignoring the last {extra} (as ezkl does)",
                n + extra,
                names
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }

    pub fn from_json(b: &[u8]) -> Result<Self, FormatError> {
        // parse through Value so that non-numbers ("NaN" strings, nulls) get a precise message
        let v: serde_json::Value =
            serde_json::from_slice(b).map_err(|source| FormatError::Json {
                file: "input.json",
                source,
            })?;
        let rows = v
            .get("input_data")
            .and_then(|x| x.as_array())
            .ok_or_else(|| FormatError::Invalid {
                file: "input.json",
                msg: "missing `input_data` (a list of lists of numbers)".into(),
            })?;
        let mut input_data = vec![];
        for (i, row) in rows.iter().enumerate() {
            let row = row.as_array().ok_or_else(|| FormatError::Invalid {
                file: "input.json",
                msg: format!("input_data[{i}] is not a list"),
            })?;
            let mut out = Vec::with_capacity(row.len());
            for (j, x) in row.iter().enumerate() {
                match x {
                    serde_json::Value::Number(n) => out.push(n.as_f64().unwrap_or(f64::NAN)),
                    // a bool input's values (ezkl writes them as JSON booleans): 1 and 0
                    serde_json::Value::Bool(b) => out.push(if *b { 1.0 } else { 0.0 }),
                    serde_json::Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                        "nan" => out.push(f64::NAN),
                        "inf" | "infinity" | "+inf" => out.push(f64::INFINITY),
                        "-inf" | "-infinity" => out.push(f64::NEG_INFINITY),
                        _ => {
                            return Err(FormatError::Invalid {
                                file: "input.json",
                                msg: format!("input_data[{i}][{j}] = {s:?} is not a number"),
                            })
                        }
                    },
                    other => {
                        return Err(FormatError::Invalid {
                            file: "input.json",
                            msg: format!("input_data[{i}][{j}] = {other} is not a number"),
                        })
                    }
                }
            }
            input_data.push(out);
        }
        Ok(InputData { input_data })
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("serialize")
    }
}

/// Decoded values of the witness, for people.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PrettyElements {
    pub rescaled_inputs: Vec<Vec<String>>,
    pub inputs: Vec<Vec<String>>,
    pub rescaled_outputs: Vec<Vec<String>>,
    pub outputs: Vec<Vec<String>>,
}

/// `witness.json`: field elements as 64-hex-digit little-endian strings.
/// A `hashed` tensor's commitment as ezkl's witness files show it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Processed {
    /// the commitments (`0x…`, big-endian hex), one per tensor
    pub poseidon_hash: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Witness {
    pub inputs: Vec<Vec<String>>,
    pub outputs: Vec<Vec<String>>,
    pub pretty_elements: PrettyElements,
    pub max_lookup_inputs: i64,
    pub min_lookup_inputs: i64,
    /// commitments of `hashed` tensors (informative: the prover recomputes them)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_params: Option<Processed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_inputs: Option<Processed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_outputs: Option<Processed>,
    /// salts of hashed inputs/outputs (`0x…`; absent: unsalted), one per tensor
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_salts: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output_salts: Vec<String>,
}

/// Decoded public values of a proof.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PrettyPublicInputs {
    pub rescaled_inputs: Vec<Vec<String>>,
    pub inputs: Vec<Vec<String>>,
    pub rescaled_outputs: Vec<Vec<String>>,
    pub outputs: Vec<Vec<String>>,
    /// commitments of hashed tensors (`0x…`)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param_commitment: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_commitments: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output_commitments: Vec<String>,
}

/// `proof.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proof {
    /// One list per instance column.
    pub instances: Vec<Vec<String>>,
    /// `0x` + the proof bytes in hex.
    pub hex_proof: String,
    pub pretty_public_inputs: PrettyPublicInputs,
    pub transcript_type: String,
    pub protocol: String,
    pub version: String,
    /// The fingerprint of the verification bundle of the keys the proof was made with, as the
    /// prover wrote it: a hint for the message when a proof fails against another bundle
    /// ("other keys" rather than "other outputs"); nothing a verifier shows is read from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys_fingerprint: Option<String>,
}

impl Witness {
    pub fn from_json(b: &[u8]) -> Result<Self, FormatError> {
        serde_json::from_slice(b).map_err(|source| FormatError::Json {
            file: "witness.json",
            source,
        })
    }
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("serialize")
    }
}

impl Proof {
    pub fn from_json(b: &[u8]) -> Result<Self, FormatError> {
        serde_json::from_slice(b).map_err(|source| FormatError::Json {
            file: "proof.json",
            source,
        })
    }
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("serialize")
    }

    /// The proof bytes.
    pub fn bytes(&self) -> Result<Vec<u8>, FormatError> {
        crate::verifier::transcript::check_type(&self.transcript_type).map_err(|msg| {
            FormatError::Invalid {
                file: "proof.json",
                msg,
            }
        })?;
        let h = self.hex_proof.strip_prefix("0x").unwrap_or(&self.hex_proof);
        if !h.len().is_multiple_of(2) || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FormatError::Invalid {
                file: "proof.json",
                msg: "`hex_proof` is not a hex string".into(),
            });
        }
        Ok((0..h.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
            .collect())
    }
}

pub fn to_hex_bytes(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * b.len());
    s.push_str("0x");
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_input_lists_are_dropped_with_a_warning_naming_the_inputs() {
        let names = vec!["a".to_string(), "b".to_string()];
        let mut d = InputData {
            input_data: vec![vec![1.0], vec![2.0], vec![3.0]],
        };
        let w = d.keep_first(&names).expect("a warning");
        assert_eq!(d.input_data, [vec![1.0], vec![2.0]]);
        assert!(w.contains("3 input lists") && w.contains("`a`, `b`"), "{w}");
        // as many or fewer: untouched, no warning (fewer is an error where the data is read)
        let mut d = InputData {
            input_data: vec![vec![1.0]],
        };
        assert!(d.keep_first(&names).is_none());
        assert_eq!(d.input_data.len(), 1);
        // `[[]]` for a model without inputs: dropped without a word
        let mut d = InputData {
            input_data: vec![vec![]],
        };
        assert!(d.keep_first(&[]).is_none());
        assert!(d.input_data.is_empty());
        assert_eq!(
            d.samples("data", &[]).unwrap(),
            vec![Vec::<Vec<f64>>::new()]
        );
    }
}
