//! `calibrate-settings`: pick the scales, the lookup range and the smallest logrows from
//! calibration data.
//!
//! For each candidate scale the model is quantized and run on every calibration sample; the
//! largest magnitude of any value the circuit range-checks, times the safety margin, sets the
//! lookup range `[-H, H)` (H a power of two); logrows is the smallest that holds both the layout
//! and the tables. Each candidate's dequantized outputs are compared with float inference on the
//! same samples. `resources` picks the fewest rows among candidates whose error is within the
//! tolerance (ties: the finer scale); `accuracy` the finest scale that fits `max_logrows`.

use crate::circuit::{self, CircuitParams};
use crate::error::Result;
use crate::formats::{FormatError, InputData};
use crate::pipeline::{load_graph, settings_for};
use crate::quant::{self, QuantSpec};
use crate::settings::{Settings, SettingsError, MAX_LOGROWS};

/// What calibration optimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Resources,
    Accuracy,
}

impl std::str::FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "resources" => Ok(Target::Resources),
            "accuracy" => Ok(Target::Accuracy),
            o => Err(format!("unknown target `{o}` (resources | accuracy)")),
        }
    }
}

#[derive(Clone, Debug)]
pub struct CalibrateOptions {
    pub target: Target,
    pub lookup_safety_margin: f64,
    /// Candidate scales (default: 4..=10 for resources, 7..=13 for accuracy).
    pub scales: Option<Vec<u32>>,
    pub max_logrows: Option<u32>,
    /// `resources`: largest acceptable max |quantized - float| output error, relative to
    /// `max(1, max |float output|)`.
    pub tolerance: f64,
}

impl Default for CalibrateOptions {
    fn default() -> Self {
        CalibrateOptions {
            target: Target::Resources,
            lookup_safety_margin: 2.0,
            scales: None,
            max_logrows: None,
            tolerance: 2.5e-4,
        }
    }
}

/// One evaluated candidate.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub scale: u32,
    pub range_half: i64,
    pub logrows: u32,
    /// Max |dequantized - float| over every output of every sample.
    pub max_error: f64,
    pub settings: Settings,
}

fn ceil_log2(n: usize) -> u32 {
    n.next_power_of_two().trailing_zeros()
}

/// Split calibration data into samples (each input's list may hold several samples).
pub fn samples(data: &InputData, input_lens: &[usize]) -> Result<Vec<Vec<Vec<f64>>>> {
    let bad = |msg: String| -> crate::Error {
        FormatError::Invalid {
            file: "calibration data",
            msg,
        }
        .into()
    };
    if data.input_data.len() != input_lens.len() {
        return Err(bad(format!(
            "{} inputs, the model has {}",
            data.input_data.len(),
            input_lens.len()
        )));
    }
    let mut n = None;
    for (i, (x, &len)) in data.input_data.iter().zip(input_lens).enumerate() {
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
    let n = n.unwrap_or(0);
    Ok((0..n)
        .map(|s| {
            data.input_data
                .iter()
                .zip(input_lens)
                .map(|(x, &len)| x[s * len..(s + 1) * len].to_vec())
                .collect()
        })
        .collect())
}

pub fn calibrate(
    onnx_bytes: &[u8],
    settings: &Settings,
    data: &InputData,
    opts: &CalibrateOptions,
) -> Result<(Settings, Vec<Candidate>)> {
    let base = settings.run_args.clone();
    let g = load_graph(onnx_bytes, &base)?;
    let lens: Vec<usize> = g
        .input_shapes()
        .iter()
        .map(|s| s.iter().product())
        .collect();
    let samples = samples(data, &lens)?;
    for s in &samples {
        g.check_inputs(s)?; // NaN / Inf / lengths, with the input named
    }
    let scales = opts.scales.clone().unwrap_or_else(|| match opts.target {
        Target::Resources => (6..=14).collect(),
        Target::Accuracy => (7..=15).collect(),
    });
    let max_k = opts.max_logrows.unwrap_or(MAX_LOGROWS.min(22));
    let floats: Vec<Vec<Vec<f64>>> = samples
        .iter()
        .map(|x| g.eval(x))
        .collect::<Result<_, _>>()?;
    let out_mag = floats
        .iter()
        .flatten()
        .flatten()
        .fold(1.0f64, |m, v| m.max(v.abs()));
    let mut cands = vec![];
    let mut last_err = None;
    for &s in &scales {
        let q = match quant::quantize(
            &g,
            QuantSpec {
                act_scale: s,
                param_scale: s,
            },
        ) {
            Ok(q) => q,
            Err(e) => {
                last_err = Some(e.into());
                continue;
            }
        };
        let mut max_abs: i64 = 1;
        let mut max_error = 0.0f64;
        let mut failed = None;
        for (x, fl) in samples.iter().zip(&floats) {
            let qi = match quant::quantize_inputs(x, &g.input_kinds, s) {
                Ok(v) => v,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            };
            match quant::run(&q, &qi, 1i64 << 60) {
                Ok(tr) => {
                    max_abs = max_abs.max(
                        tr.values
                            .iter()
                            .flatten()
                            .map(|v| v.saturating_abs())
                            .max()
                            .unwrap_or(0),
                    );
                    for (qo, fo) in tr.outputs(&q).iter().zip(fl) {
                        for (a, b) in qo.iter().zip(fo) {
                            max_error = max_error.max((quant::dequantize(*a, s) - b).abs());
                        }
                    }
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = failed {
            last_err = Some(e.into());
            continue;
        }
        let need = ((max_abs as f64) * opts.lookup_safety_margin)
            .ceil()
            .max(1.0) as i64;
        let h = (need as u64)
            .next_power_of_two()
            .max(1u64 << s.saturating_sub(1))
            .max(2) as i64;
        let mut ra = base.clone();
        ra.input_scale = s;
        ra.param_scale = s;
        ra.lookup_range = (-h, h);
        let mut st = settings_for(&g, &q, ra);
        let reserved = circuit::reserved_rows(&CircuitParams::from_settings(&st));
        let k = ceil_log2(st.rows_needed() + reserved).max(ra_min_k());
        if k > max_k {
            continue;
        }
        st.run_args.logrows = k;
        cands.push(Candidate {
            scale: s,
            range_half: h,
            logrows: k,
            max_error,
            settings: st,
        });
    }
    let best = match opts.target {
        Target::Resources => {
            let tol = opts.tolerance * out_mag;
            cands
                .iter()
                .filter(|c| c.max_error <= tol)
                .min_by_key(|c| (c.logrows, std::cmp::Reverse(c.scale)))
                .or_else(|| {
                    cands
                        .iter()
                        .min_by(|a, b| a.max_error.total_cmp(&b.max_error))
                })
        }
        Target::Accuracy => cands.iter().max_by_key(|c| c.scale),
    };
    match best {
        Some(c) => Ok((c.settings.clone(), cands.clone())),
        None => Err(last_err.unwrap_or_else(|| {
            SettingsError::Invalid {
                field: "logrows",
                msg: format!("no candidate scale {scales:?} fits within max_logrows {max_k}"),
            }
            .into()
        })),
    }
}

fn ra_min_k() -> u32 {
    6
}
