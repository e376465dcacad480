//! `settings.json`: run arguments (ezkl's names and meanings) plus what the circuit's shape
//! depends on. The circuit configuration is a function of these settings alone.

use serde::{Deserialize, Serialize};

use crate::quant::Func;
use crate::verifier::publics::{Encoding, PublicLayout, PublicTensor, Role};

/// The commitment chip's shape (planned, not chosen): how wide its pack lane and sponge are,
/// and whether they sit side by side or one after the other. Narrower shapes take fewer columns
/// and more rows; the plan picks the narrowest that does not raise the circuit's `logrows`
/// (`circuit::commit` maps each to its columns).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommitShape {
    /// two values per pack row; two full or nine partial sponge rounds per row
    #[default]
    Wide,
    /// two values per pack row; one full or seven partial sponge rounds per row
    Mid,
    /// one value per pack row; one full or four partial sponge rounds per row
    Narrow,
    /// `Narrow`'s lane and sponge in the same columns: the pack rows of every commitment, then
    /// the sponge rows (the rows add up, the columns do not)
    Stacked,
}

impl CommitShape {
    /// Every shape, widest first.
    pub const ALL: [CommitShape; 4] = [
        CommitShape::Wide,
        CommitShape::Mid,
        CommitShape::Narrow,
        CommitShape::Stacked,
    ];
}

/// Who sees a tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Visibility {
    /// In the proof's public instances.
    #[serde(alias = "public")]
    Public,
    /// A witness only the prover knows.
    #[serde(alias = "private")]
    Private,
    /// Baked into the verifying key (params only).
    #[serde(alias = "fixed")]
    Fixed,
    /// A Poseidon commitment of the quantized tensor is public (salted for params); the values
    /// stay private.
    #[serde(alias = "hashed")]
    Hashed,
    /// Params only: in advice columns whose KZG commitments (salted) are published in the
    /// verification bundle; each proof links its columns to them
    /// ([docs/committed-params.md](../docs/committed-params.md)). The values stay private.
    #[serde(alias = "committed")]
    Committed,
}

impl Visibility {
    /// Whether a secret salt hides this visibility's commitment (`hashed`, `committed`).
    pub fn salted(self) -> bool {
        matches!(self, Visibility::Hashed | Visibility::Committed)
    }

    /// What a proof with this visibility establishes about `what` ("input", "output", "params"):
    /// `input private: …`, from the one table ([`crate::verifier::trust::VISIBILITY`]).
    pub fn meaning(self, what: &str) -> String {
        let v = self.to_string();
        let m = crate::verifier::trust::visibility_meaning(what, &v).unwrap_or("not allowed");
        format!("{what} {v}: {m}")
    }
}

impl std::fmt::Display for Visibility {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
            Visibility::Fixed => "fixed",
            Visibility::Hashed => "hashed",
            Visibility::Committed => "committed",
        })
    }
}

impl std::str::FromStr for Visibility {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "public" => Ok(Visibility::Public),
            "private" => Ok(Visibility::Private),
            "fixed" => Ok(Visibility::Fixed),
            "hashed" => Ok(Visibility::Hashed),
            "committed" => Ok(Visibility::Committed),
            other => Err(format!(
                "unsupported visibility `{other}` (zkonnx supports public, private, hashed, fixed \
                 and, for params, committed)"
            )),
        }
    }
}

/// Witness-time checks (ezkl's `check_mode`); zkonnx always checks ranges while building the
/// witness, `Safe` additionally verifies each proof after proving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum CheckMode {
    #[serde(alias = "safe", alias = "Safe")]
    SAFE,
    #[default]
    #[serde(alias = "unsafe", alias = "Unsafe")]
    UNSAFE,
}

impl std::fmt::Display for CheckMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CheckMode::SAFE => "safe",
            CheckMode::UNSAFE => "unsafe",
        })
    }
}

impl std::str::FromStr for CheckMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "safe" => Ok(CheckMode::SAFE),
            "unsafe" => Ok(CheckMode::UNSAFE),
            o => Err(format!("check mode `{o}`: expected safe or unsafe")),
        }
    }
}

/// The run arguments (flags of `gen-settings`), stored under `run_args`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunArgs {
    /// Activations (inputs included) are `round(x · 2^input_scale)`.
    pub input_scale: u32,
    /// Weights are `round(w · 2^param_scale)`.
    pub param_scale: u32,
    /// Accepted for compatibility; zkonnx always rebases products to `input_scale`.
    pub scale_rebase_multiplier: u32,
    /// Domain of the lookup tables and of every range check: `[lo, hi)`, symmetric, a power of two.
    pub lookup_range: (i64, i64),
    /// Tabled functions read their input at scale `input_scale − table_shift` (output at
    /// `input_scale`): smaller tables for the same real interval. Chosen by calibration.
    pub table_shift: u32,
    /// The circuit has `2^logrows` rows.
    pub logrows: u32,
    /// Product lanes per row of the dot-product gate.
    pub num_inner_cols: usize,
    /// Values for symbolic ONNX dimensions.
    pub variables: Vec<(String, usize)>,
    pub input_visibility: Visibility,
    pub output_visibility: Visibility,
    pub param_visibility: Visibility,
    pub check_mode: CheckMode,
    /// Accepted for compatibility (zkonnx range-checks with lookups).
    pub decomp_base: usize,
    pub decomp_legs: usize,
}

impl Default for RunArgs {
    fn default() -> Self {
        RunArgs {
            input_scale: 7,
            param_scale: 7,
            scale_rebase_multiplier: 1,
            lookup_range: (-32768, 32768),
            table_shift: 0,
            logrows: 17,
            num_inner_cols: 2,
            variables: vec![("batch_size".into(), 1)],
            input_visibility: Visibility::Public,
            output_visibility: Visibility::Public,
            param_visibility: Visibility::Committed,
            check_mode: CheckMode::UNSAFE,
            decomp_base: 16384,
            decomp_legs: 2,
        }
    }
}

/// `settings.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub run_args: RunArgs,
    /// Rows the model's layout uses (excluding tables).
    pub num_rows: usize,
    /// Advice cells assigned.
    pub total_assignments: usize,
    /// Parameter values (weights, biases).
    pub total_const_size: usize,
    /// Shapes of the public tensors in instance order after the layout digest (which has no
    /// entry): the params commitment when params are hashed (`[1]`), the inputs, the outputs; a
    /// hashed input or output is `[1]` (its commitment).
    pub model_instance_shapes: Vec<Vec<usize>>,
    pub model_input_shapes: Vec<Vec<usize>>,
    pub model_output_shapes: Vec<Vec<usize>>,
    pub model_input_scales: Vec<u32>,
    pub model_output_scales: Vec<u32>,
    /// The inputs' and outputs' ONNX names: labels for people (what the CLI prints), not part
    /// of the circuit or the proof (absent from older files: then `input 0`, `output 0`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_input_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_output_names: Vec<String>,
    /// Functions with a lookup table, in the circuit's order.
    pub required_lookups: Vec<Func>,
    /// The input domain `[lo, hi)` of each function's table (at the table's input scale,
    /// `input_scale − table_shift`), in `required_lookups`' order, as calibration measured it
    /// (with the safety margin). Empty: every table spans the lookup range `[-H, H)`.
    #[serde(default)]
    pub table_domains: Vec<(i64, i64)>,
    /// Digits (of `digit_bits`) per value packed into commitments: 0 when nothing is `hashed`.
    #[serde(default)]
    pub commit_digits: usize,
    /// Rows of the commitment chip (in parallel with the model's rows; included in `num_rows`).
    #[serde(default)]
    pub commit_rows: usize,
    /// The commitment chip's shape.
    #[serde(default)]
    pub commit_shape: CommitShape,
    pub version: String,
}

/// Errors in settings.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("settings.json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("settings: {field}: {msg}")]
    Invalid { field: &'static str, msg: String },
}

/// Largest supported logrows (BN254's two-adicity allows more; memory does not).
pub const MAX_LOGROWS: u32 = 26;

/// Most parameters committed params take (256 parameter columns at the largest logrows).
pub const MAX_COMMITTED_PARAMS: usize = 256 << MAX_LOGROWS;

impl RunArgs {
    /// The field names of `run_args`, in alphabetical order (the keys a partial `run_args`
    /// object may have).
    pub fn field_names() -> Vec<String> {
        match serde_json::to_value(RunArgs::default()) {
            Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
            _ => vec![],
        }
    }

    /// Rejects keys that are not fields of `run_args` (a partial `run_args` from JS: serde would
    /// ignore them silently), naming the snake_case field a camelCase key meant.
    pub fn check_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> Result<(), SettingsError> {
        let valid = Self::field_names();
        for k in keys {
            if valid.iter().any(|v| v == k) {
                continue;
            }
            let snake: String = k
                .chars()
                .flat_map(|c| {
                    let lower = c.to_ascii_lowercase();
                    let under = c.is_ascii_uppercase().then_some('_');
                    under.into_iter().chain(std::iter::once(lower))
                })
                .collect();
            let hint = if valid.contains(&snake) {
                format!(" (did you mean `{snake}`?)")
            } else {
                String::new()
            };
            return Err(SettingsError::Invalid {
                field: "run_args",
                msg: format!(
                    "unknown key `{k}`{hint}; the keys are: {}",
                    valid.join(", ")
                ),
            });
        }
        Ok(())
    }

    /// `H` such that the lookup range is `[-H, H)`.
    pub fn range_half(&self) -> i64 {
        self.lookup_range
            .1
            .max(self.lookup_range.0.saturating_neg())
            .max(1)
    }

    /// `log2(2H)`: the bits a range-checked value spans.
    pub fn range_bits(&self) -> u32 {
        (2 * self.range_half() as u64)
            .next_power_of_two()
            .trailing_zeros()
    }

    /// Bits per digit of the range checks: a checked value `v ∈ [0, 2^(2·digit_bits))` is
    /// `lo + 2^digit_bits·hi` with both digits looked up in the table `[0, 2^digit_bits)`.
    /// Two digits span at least `[-H, H)` (shifted by `H`), so the digit table has about
    /// `√(2H)` rows and the circuit's size follows the model, not the range.
    pub fn digit_bits(&self) -> u32 {
        self.range_bits().div_ceil(2)
    }

    pub fn batch_size(&self) -> usize {
        self.variables
            .iter()
            .find(|(n, _)| n == "batch_size")
            .map(|v| v.1)
            .unwrap_or(1)
    }

    pub fn validate(&self) -> Result<(), SettingsError> {
        let bad = |field, msg: String| Err(SettingsError::Invalid { field, msg });
        if self.input_scale > 24 || self.param_scale > 24 {
            return bad(
                "input_scale/param_scale",
                "scales above 24 are not supported".into(),
            );
        }
        let h = self.range_half();
        if self.lookup_range.0 != -h || self.lookup_range.1 != h || !(h as u64).is_power_of_two() {
            return bad(
                "lookup_range",
                format!(
                    "{:?}: must be [-H, H] with H a power of two",
                    self.lookup_range
                ),
            );
        }
        if self.table_shift > self.input_scale {
            return bad(
                "table_shift",
                format!(
                    "{} is above input_scale {}",
                    self.table_shift, self.input_scale
                ),
            );
        }
        if self.logrows < 4 || self.logrows > MAX_LOGROWS {
            return bad(
                "logrows",
                format!("{} is outside 4..={MAX_LOGROWS}", self.logrows),
            );
        }
        if self.num_inner_cols == 0 || self.num_inner_cols > 16 {
            return bad(
                "num_inner_cols",
                format!("{} is outside 1..=16", self.num_inner_cols),
            );
        }
        if (1u64 << self.param_scale.max(self.input_scale)) > 2 * h as u64 {
            return bad(
                "lookup_range",
                "the range must cover 2^scale (rescale remainders are range-checked)".into(),
            );
        }
        if [self.input_visibility, self.output_visibility]
            .iter()
            .any(|v| matches!(v, Visibility::Fixed | Visibility::Committed))
        {
            return bad(
                "input_visibility/output_visibility",
                "inputs and outputs can be public, hashed or private".into(),
            );
        }
        if self.param_visibility == Visibility::Public {
            return bad(
                "param_visibility",
                "params can be hashed, committed, fixed or private, never public".into(),
            );
        }
        Ok(())
    }
}

impl Settings {
    /// Rows the lookup tables take: the digit table `[0, 2^digit_bits)`, and each function
    /// table's `1 + (hi − lo)` rows (its domain and the all-zero row).
    pub fn table_rows(&self) -> usize {
        let digits = 1usize << self.run_args.digit_bits();
        let funcs = (0..self.required_lookups.len())
            .map(|k| {
                let (lo, hi) = self.table_domain(k);
                (hi - lo) as usize + 1
            })
            .max()
            .unwrap_or(0);
        // halo2 fills a table's column below its last row from the first unused row, which
        // must itself be usable: one more row than the table holds
        digits.max(funcs) + 1
    }

    /// The input domain `[lo, hi)` of table `k` (the one place that says what an empty
    /// `table_domains` means).
    pub fn table_domain(&self, k: usize) -> (i64, i64) {
        let h = self.run_args.range_half();
        self.table_domains.get(k).copied().unwrap_or((-h, h))
    }

    /// Every table's domain, in `required_lookups`' order.
    pub fn table_domains(&self) -> Vec<(i64, i64)> {
        (0..self.required_lookups.len())
            .map(|k| self.table_domain(k))
            .collect()
    }

    pub fn from_json(bytes: &[u8]) -> Result<Self, SettingsError> {
        let s: Settings = serde_json::from_slice(bytes)?;
        s.run_args.validate()?;
        // committed params take one advice column per 2^logrows parameters: bounded, so a
        // hostile file cannot ask for millions of columns
        if s.run_args.param_visibility == Visibility::Committed
            && s.total_const_size > MAX_COMMITTED_PARAMS
        {
            return Err(SettingsError::Invalid {
                field: "total_const_size",
                msg: format!(
                    "{} parameters: committed params take at most {MAX_COMMITTED_PARAMS}",
                    s.total_const_size
                ),
            });
        }
        s.check_tables()?;
        s.public_layout()
            .check()
            .map_err(|msg| SettingsError::Invalid {
                field: "model_input_shapes/model_output_shapes/total_const_size",
                msg,
            })?;
        Ok(s)
    }

    /// `table_domains`: one per table (or none), each non-empty and inside `[-H, H)`.
    pub fn check_tables(&self) -> Result<(), SettingsError> {
        let bad = |msg: String| {
            Err(SettingsError::Invalid {
                field: "table_domains",
                msg,
            })
        };
        if !self.table_domains.is_empty() && self.table_domains.len() != self.required_lookups.len()
        {
            return bad(format!(
                "{} domains for {} tables",
                self.table_domains.len(),
                self.required_lookups.len()
            ));
        }
        let h = self.run_args.range_half();
        for (k, &(lo, hi)) in self.table_domains.iter().enumerate() {
            if lo >= hi || lo < -h || hi > h {
                return bad(format!(
                    "table {k}: [{lo}, {hi}) is empty or outside the lookup range [-{h}, {h})"
                ));
            }
        }
        Ok(())
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("settings serialize")
    }

    /// Number of public field elements (instance column length).
    /// Usable rows the circuit needs: its layout, its tables, and one per public value.
    pub fn rows_needed(&self) -> usize {
        self.num_rows
            .max(self.table_rows())
            .max(self.num_instances())
    }

    pub fn num_instances(&self) -> usize {
        self.public_layout().num_instances()
    }

    /// Bits per packed value in commitments (`W`), 0 without commitments.
    pub fn limb_bits(&self) -> u32 {
        u32::try_from(self.commit_digits)
            .unwrap_or(u32::MAX)
            .saturating_mul(self.run_args.digit_bits())
    }

    /// How people call input or output `index`: its ONNX name, else `input 0`, `output 0`.
    pub fn tensor_name(&self, role: Role, index: usize) -> String {
        let (names, what) = match role {
            Role::Params => return "params".into(),
            Role::Input => (&self.model_input_names, "input"),
            Role::Output => (&self.model_output_names, "output"),
        };
        match names.get(index) {
            Some(n) if !n.is_empty() => n.clone(),
            _ => format!("{what} {index}"),
        }
    }

    /// Whether anything is `hashed`.
    pub fn hashes(&self) -> bool {
        let ra = &self.run_args;
        [
            ra.input_visibility,
            ra.output_visibility,
            ra.param_visibility,
        ]
        .contains(&Visibility::Hashed)
    }
}

fn encoding(v: Visibility) -> Option<Encoding> {
    match v {
        Visibility::Public => Some(Encoding::Values),
        Visibility::Hashed => Some(Encoding::Commitment),
        Visibility::Private | Visibility::Fixed | Visibility::Committed => None,
    }
}

impl Settings {
    /// The layout of the public values: params commitment, then inputs, then outputs. The one
    /// place that decides it (`crate::publics` computes the instances for it).
    pub fn public_layout(&self) -> PublicLayout {
        let s = self;
        let ra = &s.run_args;
        let shape = |sh: &Vec<usize>| sh.iter().map(|&d| d as u32).collect::<Vec<u32>>();
        let mut tensors = vec![];
        if let Some(e) = encoding(ra.param_visibility) {
            tensors.push(PublicTensor {
                role: Role::Params,
                index: 0,
                scale: ra.param_scale,
                shape: vec![s.total_const_size as u32],
                encoding: e,
            });
        }
        let scale = |v: &[u32], i: usize| v.get(i).copied().unwrap_or(ra.input_scale);
        for (role, vis, shapes, scales) in [
            (
                Role::Input,
                ra.input_visibility,
                &s.model_input_shapes,
                &s.model_input_scales,
            ),
            (
                Role::Output,
                ra.output_visibility,
                &s.model_output_shapes,
                &s.model_output_scales,
            ),
        ] {
            if let Some(e) = encoding(vis) {
                for (i, sh) in shapes.iter().enumerate() {
                    tensors.push(PublicTensor {
                        role,
                        index: i as u32,
                        scale: scale(scales, i),
                        shape: shape(sh),
                        encoding: e,
                    });
                }
            }
        }
        PublicLayout {
            tensors,
            limb_bits: if s.hashes() { s.limb_bits() } else { 0 },
            params_fixed: ra.param_visibility == Visibility::Fixed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_args_keys_are_checked() {
        assert!(RunArgs::check_keys(["input_scale", "param_visibility", "logrows"]).is_ok());
        let e = RunArgs::check_keys(["input_scale", "inputVisibility"])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown key `inputVisibility` (did you mean `input_visibility`?)"),
            "{e}"
        );
        assert!(
            e.contains("the keys are: check_mode, decomp_base, decomp_legs, input_scale,"),
            "{e}"
        );
        let e = RunArgs::check_keys(["tolerance"]).unwrap_err().to_string();
        assert!(e.contains("unknown key `tolerance`; the keys are: "), "{e}");
        // every field the struct serializes is accepted back
        let all = RunArgs::field_names();
        assert!(all.len() >= 14 && all.iter().any(|k| k == "check_mode"));
        assert!(RunArgs::check_keys(all.iter().map(|s| s.as_str())).is_ok());
    }

    /// Crafted settings files (found by the `settings` fuzz target, which keeps overflow
    /// checks on): typed errors, never an arithmetic panic.
    #[test]
    fn crafted_settings_are_errors() {
        let base = r#""model_input_shapes":[],"num_rows":0,"total_assignments":0,"total_const_size":0,"model_instance_shapes":[],"model_output_shapes":[],"model_input_scales":[],"model_output_scales":[],"required_lookups":[],"version":"""#;
        let low = format!(r#"{{"run_args":{{"lookup_range":[-9223372036854775808,1]}},{base}}}"#);
        assert!(Settings::from_json(low.as_bytes()).is_err());
        let digits = format!(
            r#"{{"run_args":{{"param_visibility":"Hashed"}},"commit_digits":2147483648,{base}}}"#
        );
        assert!(Settings::from_json(digits.as_bytes()).is_err());
    }
}
