//! gen-settings' circuit flags (ezkl's RunArgs) and their conversion into `RunArgs`.

use clap::Args;
use zkonnx::settings::{CheckMode, RunArgs, Visibility};

use crate::cli::Res;

/// The defaults of gen-settings' flags are RunArgs' own (one place: `RunArgs::default`).
fn default_lookup_range() -> String {
    let (lo, hi) = RunArgs::default().lookup_range;
    format!("{lo}->{hi}")
}

fn default_variables() -> String {
    RunArgs::default()
        .variables
        .iter()
        .map(|(k, v)| format!("{k}->{v}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(Args, Clone)]
pub(crate) struct RunArgsFlags {
    /// fixed-point scale of the inputs: a value x is stored as round(x * 2^SCALE)
    #[arg(short = 'S', long, default_value_t = RunArgs::default().input_scale)]
    input_scale: u32,
    /// fixed-point scale of the weights and constants (2^SCALE)
    #[arg(long, default_value_t = RunArgs::default().param_scale)]
    param_scale: u32,
    /// accepted for ezkl compatibility; zkonnx rescales every product to the input scale
    #[arg(hide = true, long)]
    rebase_scale: Option<u32>,
    /// accepted for ezkl compatibility (rescaling happens after every multiplication)
    #[arg(hide = true, long, default_value_t = RunArgs::default().scale_rebase_multiplier)]
    scale_rebase_multiplier: u32,
    /// [lo, hi): the domain of the lookup tables and of every range check, lo->hi
    #[arg(
        short = 'B',
        long,
        default_value_t = default_lookup_range(),
        allow_hyphen_values = true
    )]
    lookup_range: String,
    /// the circuit has 2^LOGROWS rows (calibrate-settings picks the smallest that fits)
    #[arg(short = 'K', long, default_value_t = RunArgs::default().logrows)]
    logrows: u32,
    /// product lanes per row of the dot-product gate
    #[arg(short = 'N', long, default_value_t = RunArgs::default().num_inner_cols)]
    num_inner_cols: usize,
    /// values of the model's symbolic dimensions, name->value, comma separated (batch_size->1)
    #[arg(short = 'V', long, default_value_t = default_variables())]
    variables: String,
    /// public (values in the proof), hashed (a Poseidon commitment in the proof) or private
    /// (proves "for some input")
    #[arg(long, default_value_t = RunArgs::default().input_visibility)]
    input_visibility: Visibility,
    /// public (values in the proof), hashed (a Poseidon commitment in the proof) or private
    #[arg(long, default_value_t = RunArgs::default().output_visibility)]
    output_visibility: Visibility,
    /// committed (salted KZG commitments published with the keys bind the weights; they stay
    /// private; proves at about the cost of private), hashed (a salted Poseidon commitment in
    /// every proof binds them, a public value a registry can check; they stay private), fixed
    /// (in the vk) or private (NOT bound: any weights verify)
    #[arg(long, default_value_t = RunArgs::default().param_visibility)]
    param_visibility: Visibility,
    /// safe (verify each proof after proving) or unsafe
    #[arg(long, default_value_t = RunArgs::default().check_mode)]
    check_mode: CheckMode,
    /// accepted for ezkl compatibility (zkonnx range-checks with lookups)
    #[arg(hide = true, long, default_value_t = RunArgs::default().decomp_base)]
    decomp_base: usize,
    /// accepted for ezkl compatibility (zkonnx range-checks with lookups)
    #[arg(hide = true, long, default_value_t = RunArgs::default().decomp_legs)]
    decomp_legs: usize,
}

fn parse_range(s: &str) -> Res<(i64, i64)> {
    let (a, b) = s
        .split_once("->")
        .ok_or_else(|| format!("lookup range `{s}`: expected lo->hi"))?;
    let p = |x: &str| {
        x.trim()
            .parse::<i64>()
            .map_err(|_| format!("lookup range `{s}`: `{x}` is not an integer"))
    };
    Ok((p(a)?, p(b)?))
}

impl RunArgsFlags {
    pub(crate) fn to_run_args(&self) -> Res<RunArgs> {
        let variables = self
            .variables
            .split(',')
            .map(|kv| {
                let (k, v) = kv
                    .split_once("->")
                    .ok_or_else(|| format!("variables `{kv}`: expected name->value"))?;
                Ok((
                    k.trim().to_string(),
                    v.trim()
                        .parse::<usize>()
                        .map_err(|_| format!("variables `{kv}`: not a number"))?,
                ))
            })
            .collect::<Res<Vec<_>>>()?;
        Ok(RunArgs {
            input_scale: self.input_scale,
            param_scale: self.param_scale,
            scale_rebase_multiplier: self.scale_rebase_multiplier,
            lookup_range: parse_range(&self.lookup_range)?,
            table_shift: 0,
            logrows: self.logrows,
            num_inner_cols: self.num_inner_cols,
            variables,
            input_visibility: self.input_visibility,
            output_visibility: self.output_visibility,
            param_visibility: self.param_visibility,
            check_mode: self.check_mode,
            decomp_base: self.decomp_base,
            decomp_legs: self.decomp_legs,
        })
    }
}
