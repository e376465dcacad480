//! The scheduler: lays the quantized graph out in rows, gadget after gadget. Row 0 holds the
//! constants; then the model's inputs (range-checked, `range.rs`), then one block of rows per
//! step, assigned by the step's gadget (`dot.rs`, `relu.rs`, `lookup.rs`, `div.rs`,
//! `iszero.rs`; a gather only copies cells). Every value a gadget reads is copy-constrained to
//! the cell that produced it. Each block must use exactly the rows [`step_rows`] counts (the
//! count that sizes the circuit): a gadget that does not is a bug, refused as
//! `Error::Synthesis` before any key or proof is made.

use std::collections::HashMap;

use halo2_proofs::circuit::{Cell, Region};
use halo2_proofs::plonk::Error;
use halo2curves::bn256::Fr;

use super::commit::{self, Job};
use super::config::ModelConfig;
use super::dot::Weights;
use super::pack::PackValue;
use super::rows::{Rows, Wires};
use super::{clamp, div, dot, iszero, lookup, range, relu};
use crate::publics::{self, Salts};
use crate::quant::{Func, QGraph, QOp, QStep, Trace};
use crate::settings::{CommitShape, Visibility};
use crate::verifier::publics::{Encoding, PublicLayout, Role};

/// Rows of one step, as its gadget counts them.
pub fn step_rows(q: &QGraph, s: &QStep, lanes: usize) -> usize {
    let n = q.len_of(s.output);
    match &s.op {
        QOp::Dot(d) => dot::step_rows(d, lanes),
        QOp::Lookup(Func::Relu) => relu::rows(n),
        QOp::Lookup(_) => lookup::rows(n),
        QOp::Gather(_) => 0,
        QOp::Div { den, .. } => div::rows(den.len()),
        QOp::IsZero => iszero::rows(n),
        QOp::Clamp { .. } => clamp::rows(n),
    }
}

/// Rows the model uses with `lanes` product lanes: the constants' row, the inputs, the steps.
pub fn count_rows(q: &QGraph, lanes: usize) -> usize {
    1 + q
        .inputs
        .iter()
        .map(|&t| range::input_rows(q.len_of(t)))
        .sum::<usize>()
        + q.steps
            .iter()
            .map(|s| step_rows(q, s, lanes))
            .sum::<usize>()
}

/// Rows of the commitment chip of `shape` for `layout` (beside the model's rows, not after them).
pub fn count_commit_rows(q: &QGraph, layout: &PublicLayout, shape: CommitShape) -> usize {
    let lens: Vec<usize> = layout
        .tensors
        .iter()
        .filter(|t| t.encoding == Encoding::Commitment)
        .map(|t| match t.role {
            Role::Params => q.params.iter().map(|p| p.values.len()).sum(),
            Role::Input => q.len_of(q.inputs[t.index as usize]),
            Role::Output => q.len_of(q.outputs[t.index as usize]),
        })
        .collect();
    if lens.is_empty() {
        0
    } else {
        commit::rows(&lens, layout.limb_bits, shape)
    }
}

/// What the instance column binds: the layout, and the salts of its commitments.
pub struct Publics<'a> {
    pub layout: &'a PublicLayout,
    pub params: Visibility,
    /// `None` at key generation
    pub salts: Option<&'a Salts>,
}

/// Assign the model; returns the rows it used and the cells bound to the instance column, in
/// instance order.
pub fn assign(
    cfg: &ModelConfig,
    region: &mut Region<'_, Fr>,
    q: &QGraph,
    trace: Option<&Trace>,
    vis: &Publics,
) -> Result<(usize, Vec<Cell>), Error> {
    // instance 0: the layout digest, a constant of the circuit (so in the vk)
    let digest = region
        .assign_advice_from_constant(|| "layout digest", cfg.acc, 0, publics::digest(vis.layout))?
        .cell();
    let mut rows = Rows::new(cfg, region)?;
    let vals = |t: usize| trace.map(|tr| tr.values[t].as_slice());
    let mut cells: Vec<Vec<Cell>> = vec![vec![]; q.shapes.len()];
    for &t in &q.inputs {
        let (start, n) = (rows.row, q.len_of(t));
        cells[t] = range::assign_inputs(&mut rows, n, vals(t))?;
        used_exactly(start, rows.row, range::input_rows(n))?;
    }
    let mut weights = Weights {
        params: &q.params,
        fixed: vis.params == Visibility::Fixed,
        known: trace.is_some(),
        home: HashMap::new(),
    };
    let funcs = q.required_lookups();
    for s in &q.steps {
        let start = rows.row;
        let wires = |slot: usize| Wires {
            cells: &cells[s.inputs[slot]],
            vals: vals(s.inputs[slot]),
        };
        let y = vals(s.output);
        let out = match &s.op {
            QOp::Dot(d) => {
                let inputs: Vec<Wires> = (0..s.inputs.len()).map(wires).collect();
                dot::assign(&mut rows, d, &inputs, &mut weights, y)?
            }
            QOp::Lookup(Func::Relu) => relu::assign(&mut rows, wires(0), y)?,
            QOp::Lookup(f) => {
                let k = funcs.iter().position(|g| g == f).ok_or(Error::Synthesis)?;
                lookup::assign(&mut rows, k, wires(0), y)?
            }
            QOp::Gather(map) => map
                .iter()
                .map(|&(slot, i)| {
                    if slot == crate::quant::ZERO_SLOT {
                        rows.zero
                    } else {
                        cells[s.inputs[slot as usize]][i as usize]
                    }
                })
                .collect(),
            QOp::Div { shift, den } => div::assign(&mut rows, *shift, den, wires(0), wires(1), y)?,
            QOp::IsZero => iszero::assign(&mut rows, wires(0), y)?,
            QOp::Clamp { lo } => clamp::assign(&mut rows, *lo, wires(0), y)?,
        };
        used_exactly(start, rows.row, step_rows(q, s, cfg.params.lanes))?;
        cells[s.output] = out;
    }
    let model_rows = rows.row;
    let home = std::mem::take(&mut weights.home);
    super::params::assign(&mut rows, q, &home, trace.is_some())?;
    // commitments: their values are the very cells the model used
    let mut jobs = vec![];
    for t in vis
        .layout
        .tensors
        .iter()
        .filter(|t| t.encoding == Encoding::Commitment)
    {
        let values: Vec<PackValue> = match t.role {
            Role::Params => q
                .params
                .iter()
                .enumerate()
                .flat_map(|(id, p)| (0..p.values.len()).map(move |idx| (id, idx)))
                .map(|(id, idx)| PackValue {
                    value: trace.map(|_| q.params[id].values[idx]),
                    src: home.get(&(id, idx)).copied(),
                })
                .collect(),
            Role::Input | Role::Output => {
                let tid = if t.role == Role::Input {
                    q.inputs[t.index as usize]
                } else {
                    q.outputs[t.index as usize]
                };
                (0..q.len_of(tid))
                    .map(|i| PackValue {
                        value: vals(tid).map(|v| v[i]),
                        src: Some(cells[tid][i]),
                    })
                    .collect()
            }
        };
        jobs.push(Job {
            kind: publics::kind(t.role),
            values,
            salt: vis.salts.map(|s| s.of(t.role, t.index as usize)),
        });
    }
    let mut commits = match (&cfg.commit, jobs.is_empty()) {
        (_, true) => vec![],
        (Some(c), false) => c.assign(rows.region, &jobs)?,
        (None, false) => return Err(Error::Synthesis),
    }
    .into_iter();
    let mut public = vec![digest];
    for t in &vis.layout.tensors {
        match (t.encoding, t.role) {
            (Encoding::Commitment, _) => public.push(commits.next().ok_or(Error::Synthesis)?),
            (Encoding::Values, Role::Input) => {
                public.extend(cells[q.inputs[t.index as usize]].iter().copied())
            }
            (Encoding::Values, Role::Output) => {
                public.extend(cells[q.outputs[t.index as usize]].iter().copied())
            }
            (Encoding::Values, Role::Params) => return Err(Error::Synthesis),
        }
    }
    Ok((model_rows, public))
}

/// A gadget's block must span exactly the rows its count says (the circuit was sized by it).
fn used_exactly(start: usize, end: usize, counted: usize) -> Result<(), Error> {
    if end - start == counted {
        Ok(())
    } else {
        Err(Error::Synthesis)
    }
}
