//! `calibrate-settings`: pick the scales, the lookup range and the smallest logrows from
//! calibration data.
//!
//! For each candidate scale (and, with function tables, each coarser table input scale) the
//! model is quantized and run on every calibration sample; the largest magnitude of any value
//! the circuit range-checks, times the safety margin, sets the lookup range `[-H, H)` (H a
//! power of two), and each function's inputs set its table's domain; for each number of lanes
//! logrows is the smallest that holds the layout and the tables, and the lanes with the lowest
//! estimated proving cost are kept. Each candidate's dequantized outputs are compared with
//! float inference on the same samples: values and probabilities by their largest error,
//! labels (integer-typed outputs: ArgMax, a classifier's label) by the rows where they differ.
//! `resources` picks, among the candidates whose value error is within the tolerance, the one
//! with the fewest label rows differing among those costing at most 4× the cheapest (about two
//! logrows more), then the cheapest (ties: the smaller error); with none within the tolerance,
//! the smallest error, and [`notes`] says so. `accuracy` the finest scale that fits
//! `max_logrows`.

use crate::circuit::{self, CircuitParams};
use crate::error::Result;
use crate::formats::InputData;
use crate::pipeline::load_graph;
use crate::quant::{self, QuantSpec};
use crate::settings::{Settings, SettingsError, MAX_LOGROWS};

/// The scales calibration tries when none are given: 6..=14 for resources, 7..=15 for
/// accuracy.
pub fn default_scales(target: Target) -> std::ops::RangeInclusive<u32> {
    match target {
        Target::Resources => 6..=14,
        Target::Accuracy => 7..=15,
    }
}

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
    /// Candidate scales (default: [`default_scales`]).
    pub scales: Option<Vec<u32>>,
    pub max_logrows: Option<u32>,
    /// Candidate lanes per row (`num_inner_cols`; default 1, 2, 4, 8, 16): each candidate
    /// scale takes the one with the lowest estimated proving cost ([`prove_cost`]).
    pub lanes: Option<Vec<usize>>,
    /// `resources`: largest acceptable max |quantized - float| output error, relative to
    /// `max(1, max |float output|)`.
    pub tolerance: f64,
}

/// `resources`' default tolerance: the largest output error vs float inference, relative to
/// `max(1, max |value output|)`: 0.2 %, five times inside the 1 % the exporter tests hold every
/// output to (ezkl's default scale 7 quantizes in steps of 0.8 %).
pub const DEFAULT_TOLERANCE: f64 = 2e-3;

impl Default for CalibrateOptions {
    fn default() -> Self {
        CalibrateOptions {
            target: Target::Resources,
            lookup_safety_margin: 2.0,
            scales: None,
            max_logrows: None,
            lanes: None,
            tolerance: DEFAULT_TOLERANCE,
        }
    }
}

/// One evaluated candidate.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub scale: u32,
    pub range_half: i64,
    /// Tables read their input at `scale − table_shift`.
    pub table_shift: u32,
    /// Rows of the largest table (or of the digit table).
    pub table_rows: usize,
    /// Lanes per row (`num_inner_cols`) picked for this candidate.
    pub lanes: usize,
    /// Estimated proving cost ([`prove_cost`]).
    pub cost: f64,
    pub logrows: u32,
    /// Max |dequantized - float| over every value output (labels excluded) of every sample.
    pub max_error: f64,
    /// Per graph output, in order: how it compares with float inference.
    pub outputs: Vec<OutputError>,
    /// The calibration samples (rows) compared.
    pub samples: usize,
    /// The error bound `max_error` is held to (`tolerance · max(1, |output|)`, resources).
    pub error_bound: f64,
    /// Whether calibration chose this one.
    pub chosen: bool,
    pub settings: Settings,
}

/// How one graph output of a candidate compares with float inference over the samples.
#[derive(Clone, Debug)]
pub struct OutputError {
    /// The ONNX output name.
    pub name: String,
    /// An integer-typed output (a label, an index), compared for equality.
    pub label: bool,
    /// Max |dequantized − float| (labels: 0 or the largest difference).
    pub max_error: f64,
    /// The sample (row) where `max_error` is reached.
    pub worst_row: usize,
    /// Labels: the samples (rows) where a value differs from float inference.
    pub rows_differ: Vec<usize>,
}

impl Candidate {
    /// The samples (rows) where some label output differs from float inference.
    pub fn label_rows(&self) -> Vec<usize> {
        let mut r: Vec<usize> = self
            .outputs
            .iter()
            .flat_map(|o| o.rows_differ.iter().copied())
            .collect();
        r.sort_unstable();
        r.dedup();
        r
    }
}

/// What the user should know about the chosen candidate (one line each): labels that differ
/// from float inference on some rows, no candidate within the tolerance; every output's error
/// by its ONNX name.
pub fn notes(cands: &[Candidate]) -> Vec<String> {
    let Some(c) = cands.iter().find(|c| c.chosen) else {
        return vec![];
    };
    let samples = c.samples;
    let mut out = vec![];
    for o in &c.outputs {
        if o.label {
            out.push(format!(
                "output `{}` (label): {} of {samples} calibration rows differ from float \
                 inference{}",
                o.name,
                o.rows_differ.len(),
                rows_text(&o.rows_differ)
            ));
        } else {
            out.push(format!(
                "output `{}`: max error {:.2e} (row {})",
                o.name, o.max_error, o.worst_row
            ));
        }
    }
    let rows = c.label_rows();
    if !rows.is_empty() {
        let agreeing = cands
            .iter()
            .filter(|a| a.label_rows().is_empty() && a.max_error <= a.error_bound)
            .min_by(|a, b| a.cost.total_cmp(&b.cost));
        out.push(format!(
            "labels differ on {} row(s){}: {}",
            rows.len(),
            rows_text(&rows),
            match agreeing {
                Some(a) => format!(
                    "the cheapest candidate within the tolerance that agrees on every row \
                     costs {:.1}× more (scale {}, table scale {}, logrows {}); otherwise these \
                     rows sit at a decision boundary the quantized scores resolve the other way",
                    a.cost / c.cost,
                    a.scale,
                    a.scale - a.table_shift,
                    a.logrows,
                ),
                None => "no candidate within the tolerance agrees on every row: rows at a \
                         decision boundary, where the float scores of two classes nearly tie \
                         (the circuit's label is the ArgMax of its own quantized scores)"
                    .to_string(),
            }
        ));
    }
    if c.max_error > c.error_bound {
        let worst = c
            .outputs
            .iter()
            .filter(|o| !o.label)
            .max_by(|a, b| a.max_error.total_cmp(&b.max_error));
        out.push(format!(
            "no candidate keeps the error within {:.2e}: the most accurate was chosen (scale {}, \
             logrows {}), max error {:.2e}{}; raise --tolerance, try other --scales, or \
             calibrate with data like the inputs you will prove",
            c.error_bound,
            c.scale,
            c.logrows,
            c.max_error,
            worst.map_or(String::new(), |o| format!(
                " on output `{}` (row {})",
                o.name, o.worst_row
            ))
        ));
    }
    out
}

fn rows_text(rows: &[usize]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = rows.iter().take(8).map(|r| r.to_string()).collect();
    format!(
        " (row{} {}{})",
        if rows.len() > 1 { "s" } else { "" },
        shown.join(", "),
        if rows.len() > 8 { ", …" } else { "" }
    )
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
    let samples = data.samples("calibration data", &lens)?;
    for s in &samples {
        g.check_inputs(s)?; // NaN / Inf / lengths, with the input named
    }
    let scales = opts
        .scales
        .clone()
        .unwrap_or_else(|| default_scales(opts.target).collect());
    let max_k = opts.max_logrows.unwrap_or(MAX_LOGROWS.min(22));
    let floats: Vec<Vec<Vec<f64>>> = samples
        .iter()
        .map(|x| g.eval(x))
        .collect::<Result<_, _>>()?;
    let labels: Vec<bool> = g.outputs.iter().map(|&o| g.values[o].integer).collect();
    let out_mag = floats
        .iter()
        .flat_map(|f| {
            f.iter()
                .zip(&labels)
                .filter(|(_, &l)| !l)
                .flat_map(|(o, _)| o)
        })
        .fold(1.0f64, |m, v| m.max(v.abs()));
    let mut cands = vec![];
    let mut last_err = None;
    // the smallest circuit left out for `max_logrows`: (logrows, scale)
    let mut too_big: Option<(u32, u32)> = None;
    for &s in &scales {
        // tabled functions: also try reading their input at coarser scales (smaller tables)
        let shifts = match crate::lowering::quantize(&g, spec(s, 0)) {
            Ok(q)
                if !q.required_lookups().is_empty()
                    && !q.required_lookups().iter().any(|f| f.steps()) =>
            {
                0..=s.saturating_sub(MIN_TABLE_SCALE).min(MAX_TABLE_SHIFT)
            }
            _ => 0..=0,
        };
        for t in shifts {
            match candidate(&g, &samples, &floats, &base, opts, s, t) {
                Ok(Some(c)) if c.logrows <= max_k => cands.push(c),
                Ok(Some(c)) => {
                    if too_big.is_none_or(|(k, _)| c.logrows < k) {
                        too_big = Some((c.logrows, c.scale));
                    }
                }
                Ok(None) => {}
                Err(e) => last_err = Some(e),
            }
        }
    }
    let tol = opts.tolerance * out_mag;
    for c in &mut cands {
        c.error_bound = tol;
    }
    let within = |c: &Candidate| c.max_error <= tol;
    let cheapest = cands
        .iter()
        .filter(|c| within(c))
        .map(|c| c.cost)
        .fold(f64::INFINITY, f64::min);
    let best = match opts.target {
        Target::Resources => cands
            .iter()
            .enumerate()
            .filter(|(_, c)| within(c) && c.cost <= 4.0 * cheapest)
            .min_by(|(_, a), (_, b)| {
                a.label_rows()
                    .len()
                    .cmp(&b.label_rows().len())
                    .then(a.cost.total_cmp(&b.cost))
                    .then(a.max_error.total_cmp(&b.max_error))
            })
            .or_else(|| {
                cands
                    .iter()
                    .enumerate()
                    .min_by(|(_, a), (_, b)| a.max_error.total_cmp(&b.max_error))
            }),
        Target::Accuracy => cands
            .iter()
            .enumerate()
            .filter(|(_, c)| c.table_shift == 0)
            .max_by_key(|(_, c)| c.scale),
    }
    .map(|(i, _)| i);
    match best {
        Some(i) => {
            cands[i].chosen = true;
            Ok((cands[i].settings.clone(), cands))
        }
        None => Err(match (too_big, last_err) {
            (Some((k, s)), _) => SettingsError::Invalid {
                field: "logrows",
                msg: format!(
                    "no candidate fits within --max-logrows {max_k}: the smallest needs logrows \
                     {k} (scale {s}); raise --max-logrows or try smaller --scales"
                ),
            }
            .into(),
            (None, Some(e)) => e,
            (None, None) => SettingsError::Invalid {
                field: "logrows",
                msg: format!("no candidate scale {scales:?} runs on the calibration data"),
            }
            .into(),
        }),
    }
}

/// The estimated cost of proving a circuit of `params` at `2^k` rows, in column-rows: every
/// advice column is committed (an MSM of `2^k`) and every lookup commits three more
/// polynomials; fixed columns weigh in through the quotient's evaluations. (On this
/// machine's bench models, lanes 1/2/4/8 at the logrows each needs: the estimate orders the
/// measured prove times, BENCHMARKS.md.)
pub fn prove_cost(params: &CircuitParams, k: u32) -> f64 {
    let cs = circuit::constraint_system(params);
    let per_row = cs.num_advice_columns() as f64
        + 3.0 * cs.lookups().len() as f64
        + 0.2 * cs.num_fixed_columns() as f64;
    per_row * (1u64 << k) as f64
}

/// Coarsest input scale a function table is read at.
const MIN_TABLE_SCALE: u32 = 4;
/// Most bits a table's input is coarsened by.
const MAX_TABLE_SHIFT: u32 = 6;

fn spec(s: u32, t: u32) -> QuantSpec {
    QuantSpec {
        act_scale: s,
        param_scale: s,
        table_shift: t,
    }
}

/// `[lo, hi)` covering `[min, max]` with the safety margin `m`: each bound moves away from zero
/// by the factor `m` (a bound of the other sign as `min/m`, towards zero), then is clipped to
/// `[-h, h)`.
pub fn table_domain(min: i64, max: i64, m: f64, h: i64) -> (i64, i64) {
    let lo = if min < 0 {
        (min as f64 * m).floor()
    } else {
        (min as f64 / m).floor()
    };
    let hi = if max > 0 {
        (max as f64 * m).ceil()
    } else {
        (max as f64 / m).ceil()
    };
    let lo = (lo as i64).clamp(-h, h - 1);
    let hi = (hi as i64).saturating_add(1).clamp(lo + 1, h);
    (lo, hi)
}

/// Per tabled function (in `funcs`' order), the least value its table's inputs can take by
/// construction, when every lookup of it reads a clamp's output (Softmax's `exp`), directly or
/// through the rescale that reads tables `t` bits coarser: the floor, rounded as that rescale
/// rounds. `None` when any of its inputs is unbounded below.
fn table_floors(q: &quant::QGraph, funcs: &[quant::Func], t: u32) -> Vec<Option<i64>> {
    let made_by = |id: usize| q.steps.iter().find(|s| s.output == id);
    let floor_of = |id: usize| -> Option<i64> {
        let s = made_by(id)?;
        match &s.op {
            quant::QOp::Clamp { lo } => Some(*lo),
            op if t > 0 && *op == quant::compose::elementwise_scaled(q.len_of(id), t) => {
                match &made_by(s.inputs[0])?.op {
                    quant::QOp::Clamp { lo } => {
                        Some(quant::div_round(*lo as i128, 1i128 << t, 0) as i64)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    };
    funcs
        .iter()
        .map(|f| {
            q.steps
                .iter()
                .filter(|s| matches!(&s.op, quant::QOp::Lookup(g) if g == f))
                .map(|s| floor_of(s.inputs[0]))
                .try_fold(i64::MAX, |m, v| v.map(|v| m.min(v)))
                .filter(|&m| m != i64::MAX)
        })
        .collect()
}

/// Evaluate scale `s` with tables read `t` bits coarser: `Ok(None)` when the samples do not
/// run at this scale (the error is kept by the caller only if no candidate works).
fn candidate(
    g: &crate::graph::Graph,
    samples: &[Vec<Vec<f64>>],
    floats: &[Vec<Vec<f64>>],
    base: &crate::settings::RunArgs,
    opts: &CalibrateOptions,
    s: u32,
    t: u32,
) -> Result<Option<Candidate>> {
    let q = crate::lowering::quantize(g, spec(s, t))?;
    let funcs = q.required_lookups();
    let mut seen = vec![(i64::MAX, i64::MIN); funcs.len()];
    let mut max_abs: i64 = 1;
    let mut outputs: Vec<OutputError> = g
        .outputs
        .iter()
        .map(|&o| OutputError {
            name: g.values[o].name.clone(),
            label: g.values[o].integer,
            max_error: 0.0,
            worst_row: 0,
            rows_differ: vec![],
        })
        .collect();
    for (row, (x, fl)) in samples.iter().zip(floats).enumerate() {
        let qi = quant::quantize_inputs(x, &g.input_kinds, s)?;
        let tr = quant::run(&q, &qi, 1i64 << 60, &[])?;
        max_abs = max_abs.max(
            tr.values
                .iter()
                .flatten()
                .map(|v| v.saturating_abs())
                .max()
                .unwrap_or(0),
        );
        for st in &q.steps {
            if let quant::QOp::Lookup(f) = &st.op {
                if let Some(k) = funcs.iter().position(|g| g == f) {
                    for &v in &tr.values[st.inputs[0]] {
                        seen[k] = (seen[k].0.min(v), seen[k].1.max(v));
                    }
                }
            }
        }
        for ((qo, fo), oe) in tr.outputs(&q).iter().zip(fl).zip(&mut outputs) {
            for (a, b) in qo.iter().zip(fo) {
                let err = (quant::dequantize(*a, s) - b).abs();
                if err > oe.max_error {
                    oe.max_error = err;
                    oe.worst_row = row;
                }
                if oe.label && err != 0.0 && oe.rows_differ.last() != Some(&row) {
                    oe.rows_differ.push(row);
                }
            }
        }
    }
    let max_error = outputs
        .iter()
        .filter(|o| !o.label)
        .map(|o| o.max_error)
        .fold(0.0, f64::max);
    // (a table value at the i64 bounds is a function's pole, e.g. ln 0 of an input rounded
    // to zero at a coarse table scale)
    if max_abs >= 1i64 << 48 {
        return Err(SettingsError::Invalid {
            field: "lookup_range",
            msg: format!(
                "at scale {s} (tables at scale {}), a value reaches {max_abs}: beyond any \
                 lookup range (a function evaluated at a pole?)",
                s - t
            ),
        }
        .into());
    }
    let need = ((max_abs as f64) * opts.lookup_safety_margin)
        .ceil()
        .max(1.0) as i64;
    // range checks also check rescale remainders `[0, 2^d)`: `2H ≥ 2^d` for every rescale
    let max_div_bits = q
        .steps
        .iter()
        .filter_map(|st| match &st.op {
            quant::QOp::Dot(d) => Some(d.div_bits()),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .min(62);
    let h = (need as u64)
        .next_power_of_two()
        .max(1u64 << s.saturating_sub(1))
        .max(1u64 << max_div_bits.saturating_sub(1))
        .max(2) as i64;
    let floors = table_floors(&q, &funcs, t);
    let domains: Vec<(i64, i64)> = seen
        .iter()
        .zip(&floors)
        .map(|(&(lo, hi), floor)| {
            if lo > hi {
                (-1, 1) // a table no sample reached
            } else {
                let (l, h) = table_domain(lo, hi, opts.lookup_safety_margin, h);
                // the margin never reaches below what the inputs can be by construction
                match floor {
                    Some(f) if *f > l && *f <= lo => (*f, h),
                    _ => (l, h),
                }
            }
        })
        .collect();
    let lanes = opts.lanes.clone().unwrap_or_else(|| vec![1, 2, 4, 8, 16]);
    let mut best: Option<(f64, Settings)> = None;
    for &l in &lanes {
        let mut ra = base.clone();
        ra.input_scale = s;
        ra.param_scale = s;
        ra.table_shift = t;
        ra.lookup_range = (-h, h);
        ra.num_inner_cols = l.clamp(1, 16);
        let mut st = crate::plan::settings(g, &q, ra, domains.clone());
        let params = CircuitParams::from_settings(&st);
        let k = crate::plan::min_logrows(&st);
        st.run_args.logrows = k;
        let cost = prove_cost(&params, k);
        if best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, st));
        }
    }
    let (cost, st) = best.ok_or_else(|| SettingsError::Invalid {
        field: "num_inner_cols",
        msg: "no candidate lanes".into(),
    })?;
    let k = st.run_args.logrows;
    Ok(Some(Candidate {
        scale: s,
        range_half: h,
        table_shift: t,
        table_rows: st.table_rows(),
        lanes: st.run_args.num_inner_cols,
        cost,
        logrows: k,
        max_error,
        outputs,
        samples: samples.len(),
        error_bound: f64::INFINITY,
        chosen: false,
        settings: st,
    }))
}
