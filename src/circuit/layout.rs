//! Walks the quantized graph and assigns it to rows: inputs (range-checked), then one block of
//! rows per step. Every value an op reads is copy-constrained to the cell that produced it.

use std::collections::HashMap;

use halo2_proofs::circuit::{Cell, Region, Value};
use halo2_proofs::plonk::{Advice, Column, Error};
use halo2curves::bn256::Fr;

use super::commit::{self, Job};
use super::config::ModelConfig;
use super::pack::PackValue;
use crate::felt;
use crate::publics::{self, Salts};
use crate::quant::{Dot, QGraph, QOp, Term, TermA, TermB, Trace};
use crate::settings::Visibility;
use crate::verifier::publics::{Encoding, PublicLayout, Role};

/// Rows the layout uses for `q` with `lanes` product lanes (mirrors [`assign`]).
pub fn count_rows(q: &QGraph, lanes: usize) -> usize {
    let mut rows = 1 + q.inputs.iter().map(|&t| q.len_of(t)).sum::<usize>();
    let mut terms = vec![];
    for s in &q.steps {
        match &s.op {
            QOp::Dot(d) => {
                for i in 0..d.out_len() {
                    d.terms(i, &mut terms);
                    rows += super::dot::rows(terms.len(), lanes);
                }
            }
            QOp::Lookup(crate::quant::Func::Relu) => rows += super::relu::rows(q.len_of(s.output)),
            QOp::Lookup(_) => rows += super::lookup::rows(q.len_of(s.output)),
            QOp::Gather(_) => {}
            QOp::Div { den, .. } => rows += super::div::rows(den.len()),
            QOp::IsZero => rows += super::iszero::rows(q.len_of(s.output)),
        }
    }
    rows
}

/// Rows of the commitment chip for `layout` (beside the model's rows, not after them).
pub fn count_commit_rows(q: &QGraph, layout: &PublicLayout) -> usize {
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
        commit::rows(&lens, layout.limb_bits)
    }
}

/// What the instance column binds: the layout, and the salts of its commitments.
pub struct Publics<'a> {
    pub layout: &'a PublicLayout,
    pub params: Visibility,
    /// `None` at key generation
    pub salts: Option<&'a Salts>,
}

struct Ctx<'a, 'r> {
    cfg: &'a ModelConfig,
    region: &'a mut Region<'r, Fr>,
    q: &'a QGraph,
    trace: Option<&'a Trace>,
    fixed_params: bool,
    row: usize,
    one: Cell,
    /// the constant zero (Pad, Trilu), in row 0 where no gate is on
    zero: Cell,
    cells: Vec<Vec<Cell>>,
    param_home: HashMap<(usize, usize), Cell>,
}

fn known<T>(trace: Option<T>) -> bool {
    trace.is_some()
}

/// Assign the model; returns the cells bound to the instance column, in instance order.
pub fn assign(
    cfg: &ModelConfig,
    region: &mut Region<'_, Fr>,
    q: &QGraph,
    trace: Option<&Trace>,
    vis: &Publics,
) -> Result<(usize, Vec<Cell>), Error> {
    let one = region
        .assign_advice_from_constant(|| "one", cfg.y, 0, Fr::one())?
        .cell();
    // instance 0: the layout digest, a constant of the circuit (so in the vk)
    let digest = region
        .assign_advice_from_constant(|| "layout digest", cfg.acc, 0, publics::digest(vis.layout))?
        .cell();
    let zero = region
        .assign_advice_from_constant(|| "zero", cfg.a[0], 0, Fr::zero())?
        .cell();
    let mut ctx = Ctx {
        cfg,
        region,
        q,
        trace,
        fixed_params: vis.params == Visibility::Fixed,
        row: 1,
        one,
        zero,
        cells: vec![vec![]; q.shapes.len()],
        param_home: HashMap::new(),
    };
    for &t in &q.inputs {
        let n = q.len_of(t);
        let mut cells = Vec::with_capacity(n);
        for i in 0..n {
            let v = ctx.val(t, i);
            let row = ctx.row;
            ctx.range_y(row, ctx.int(t, i), true)?;
            cells.push(ctx.region.assign_advice(cfg.y, row, v).cell());
            ctx.row += 1;
        }
        ctx.cells[t] = cells;
    }
    for s in &q.steps {
        let out = match &s.op {
            QOp::Dot(d) => ctx.dot(d, &s.inputs, s.output)?,
            QOp::Lookup(crate::quant::Func::Relu) => ctx.relu(s.inputs[0], s.output)?,
            QOp::Lookup(f) => {
                let k = q
                    .required_lookups()
                    .iter()
                    .position(|g| g == f)
                    .ok_or(Error::Synthesis)?;
                ctx.lookup(k, s.inputs[0], s.output)?
            }
            QOp::Gather(map) => map
                .iter()
                .map(|&(slot, i)| {
                    if slot == crate::quant::ZERO_SLOT {
                        ctx.zero
                    } else {
                        ctx.cells[s.inputs[slot as usize]][i as usize]
                    }
                })
                .collect(),
            QOp::Div { shift, den } => ctx.div(*shift, den, &s.inputs, s.output)?,
            QOp::IsZero => ctx.is_zero(s.inputs[0], s.output)?,
        };
        ctx.cells[s.output] = out;
    }
    let model_rows = ctx.row;
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
                    src: ctx.param_home.get(&(id, idx)).copied(),
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
                        value: ctx.int(tid, i),
                        src: Some(ctx.cells[tid][i]),
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
        (Some(c), false) => ctx.cfg_commit_assign(c, jobs)?,
        (None, false) => return Err(Error::Synthesis),
    }
    .into_iter();
    let mut public = vec![digest];
    for t in &vis.layout.tensors {
        match (t.encoding, t.role) {
            (Encoding::Commitment, _) => public.push(commits.next().ok_or(Error::Synthesis)?),
            (Encoding::Values, Role::Input) => {
                public.extend(ctx.cells[q.inputs[t.index as usize]].iter().copied())
            }
            (Encoding::Values, Role::Output) => {
                public.extend(ctx.cells[q.outputs[t.index as usize]].iter().copied())
            }
            (Encoding::Values, Role::Params) => return Err(Error::Synthesis),
        }
    }
    Ok((model_rows, public))
}

impl Ctx<'_, '_> {
    fn cfg_commit_assign(
        &mut self,
        c: &super::commit::CommitConfig,
        jobs: Vec<Job>,
    ) -> Result<Vec<Cell>, Error> {
        c.assign(self.region, &jobs)
    }

    fn int(&self, t: usize, i: usize) -> Option<i64> {
        self.trace.map(|tr| tr.values[t][i])
    }

    fn val(&self, t: usize, i: usize) -> Value<Fr> {
        match self.int(t, i) {
            Some(v) => Value::known(felt::from_i64(v)),
            None => Value::unknown(),
        }
    }

    /// Copy element `i` of tensor `t` into `col` at `row`, tied to the cell that made it.
    fn copy_in(&mut self, col: Column<Advice>, row: usize, t: usize, i: usize) {
        let cell = self.region.assign_advice(col, row, self.val(t, i)).cell();
        let src = self.cells[t][i];
        self.eq(cell, src);
    }

    fn eq(&mut self, a: Cell, b: Cell) {
        self.region.constrain_equal(a, b);
    }

    fn dot(&mut self, d: &Dot, inputs: &[usize], output: usize) -> Result<Vec<Cell>, Error> {
        let cfg = self.cfg;
        let lanes = cfg.params.lanes;
        let n = d.out_len();
        let mut out = Vec::with_capacity(n);
        let mut terms: Vec<Term> = vec![];
        let div = d.div();
        let half = div / 2;
        let has = known(self.trace);
        for o in 0..n {
            d.terms(o, &mut terms);
            let rows = terms.len().div_ceil(lanes).max(1);
            let mut acc: i128 = 0;
            for r in 0..rows {
                let row = self.row;
                if r == 0 {
                    cfg.dot.q_first.enable(self.region, row)?;
                } else {
                    cfg.dot.q_next.enable(self.region, row)?;
                }
                for j in 0..lanes {
                    let (av, bv) = match terms.get(r * lanes + j).copied() {
                        Some(Term(a, b)) => {
                            let av = match a {
                                TermA::Act { slot, idx } => self.int(inputs[slot], idx),
                                TermA::One => Some(1),
                            };
                            let a_cell = self.region.assign_advice(cfg.a[j], row, opt(av)).cell();
                            let src = match a {
                                TermA::Act { slot, idx } => self.cells[inputs[slot]][idx],
                                TermA::One => self.one,
                            };
                            self.eq(a_cell, src);
                            let bv = self.b_lane(j, row, b, inputs)?;
                            (av, bv)
                        }
                        None => {
                            self.region
                                .assign_advice(cfg.a[j], row, Value::known(Fr::zero()));
                            self.region
                                .assign_advice(cfg.b[j], row, Value::known(Fr::zero()));
                            self.region.assign_fixed(cfg.m[j], row, Fr::one());
                            (Some(0), Some(0))
                        }
                    };
                    if let (Some(a), Some(b)) = (av, bv) {
                        acc += a as i128 * b as i128;
                    }
                }
                self.region.assign_advice(
                    cfg.acc,
                    row,
                    if has {
                        Value::known(felt::from_i128(acc))
                    } else {
                        Value::unknown()
                    },
                );
                self.row += 1;
            }
            // rescale on the last row
            let row = self.row - 1;
            cfg.rescale.q_rescale.enable(self.region, row)?;
            self.region.assign_fixed(cfg.div, row, felt::from_i128(div));
            self.region
                .assign_fixed(cfg.half, row, felt::from_i128(half));
            let y = self.int(output, o);
            let y_cell = self.region.assign_advice(cfg.y, row, opt(y)).cell();
            let rem = y.map(|y| acc + half - y as i128 * div);
            self.range_y(row, y, true)?;
            self.remainder(row, rem, div)?;
            self.region.assign_advice(
                cfg.r,
                row,
                match rem {
                    Some(r) => Value::known(felt::from_i128(r)),
                    None => Value::unknown(),
                },
            );
            out.push(y_cell);
        }
        Ok(out)
    }

    fn b_lane(
        &mut self,
        j: usize,
        row: usize,
        b: TermB,
        inputs: &[usize],
    ) -> Result<Option<i64>, Error> {
        let cfg = self.cfg;
        Ok(match b {
            TermB::Coef(c) => {
                self.region.assign_fixed(cfg.m[j], row, Fr::one());
                self.region.assign_fixed(cfg.f[j], row, felt::from_i64(c));
                self.region
                    .assign_advice(cfg.b[j], row, Value::known(felt::from_i64(c)));
                Some(c)
            }
            TermB::Param { id, idx } => {
                let v = self.q.params[id].values[idx];
                if self.fixed_params {
                    self.region.assign_fixed(cfg.m[j], row, Fr::one());
                    self.region.assign_fixed(cfg.f[j], row, felt::from_i64(v));
                    self.region
                        .assign_advice(cfg.b[j], row, Value::known(felt::from_i64(v)));
                } else {
                    // private: the value is a witness; every use is tied to its first use
                    let val = if self.trace.is_some() {
                        Value::known(felt::from_i64(v))
                    } else {
                        Value::unknown()
                    };
                    let cell = self.region.assign_advice(cfg.b[j], row, val).cell();
                    match self.param_home.get(&(id, idx)) {
                        Some(&home) => self.eq(cell, home),
                        None => {
                            self.param_home.insert((id, idx), cell);
                        }
                    }
                }
                Some(v)
            }
            TermB::Act { slot, idx } => {
                let v = self.int(inputs[slot], idx);
                let cell = self.region.assign_advice(cfg.b[j], row, opt(v)).cell();
                let src = self.cells[inputs[slot]][idx];
                self.eq(cell, src);
                v
            }
        })
    }

    /// Range-check the `y` cell of `row`: `y + H ∈ [0, B²)` for a signed value, `y ∈ [0, B²)`
    /// when `signed` is false.
    fn range_y(&mut self, row: usize, y: Option<i64>, signed: bool) -> Result<(), Error> {
        let cfg = self.cfg;
        cfg.range.q_range.enable(self.region, row)?;
        let off = if signed {
            cfg.params.range_half as i128
        } else {
            0
        };
        self.region
            .assign_fixed(cfg.y_off, row, felt::from_i128(off));
        self.digits(row, 0, y.map(|y| y as i128 + off));
        Ok(())
    }

    /// Constrain `0 ≤ r < div` on `row` through the digits of `r` and of `div − 1 − r`.
    fn remainder(&mut self, row: usize, r: Option<i128>, div: i128) -> Result<(), Error> {
        self.cfg.rescale.q_rem.enable(self.region, row)?;
        self.digits(row, 2, r);
        self.digits(row, 4, r.map(|r| div - 1 - r));
        Ok(())
    }

    /// Assign the two base-`B` digits of `v` to digit columns `first` and `first + 1`. A value
    /// outside `[0, B²)` (never produced by an honest trace) gets digits that fail the lookup.
    fn digits(&mut self, row: usize, first: usize, v: Option<i128>) {
        let b = 1i128 << self.cfg.params.digit_bits;
        let (lo, hi) = match v {
            Some(v) => (
                Value::known(felt::from_i128(v.rem_euclid(b))),
                Value::known(felt::from_i128(v.div_euclid(b))),
            ),
            None => (Value::unknown(), Value::unknown()),
        };
        self.region.assign_advice(self.cfg.digits[first], row, lo);
        self.region
            .assign_advice(self.cfg.digits[first + 1], row, hi);
    }

    /// `y = max(x, 0)` without a table: `y·(y − x) = 0`, `y ≥ 0` and `y − x ≥ 0`.
    fn relu(&mut self, input: usize, output: usize) -> Result<Vec<Cell>, Error> {
        let cfg = self.cfg;
        let n = self.q.len_of(output);
        let b2 = 1i128 << (2 * cfg.params.digit_bits);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let row = self.row;
            cfg.relu.q.enable(self.region, row)?;
            self.copy_in(cfg.a[0], row, input, i);
            let y = self.int(output, i);
            out.push(self.region.assign_advice(cfg.y, row, opt(y)).cell());
            let diff = y
                .zip(self.int(input, i))
                .map(|(y, x)| y as i128 - x as i128);
            self.region.assign_advice(
                cfg.r,
                row,
                diff.map_or(Value::unknown(), |d| Value::known(felt::from_i128(d))),
            );
            self.region.assign_fixed(cfg.div, row, felt::from_i128(b2));
            self.range_y(row, y, false)?;
            self.remainder(row, diff, b2)?;
            self.row += 1;
        }
        Ok(out)
    }

    /// The division gadget (`div.rs`): `y = round(n·2^shift / d)`, one row per output.
    fn div(
        &mut self,
        shift: u32,
        den: &[u32],
        inputs: &[usize],
        output: usize,
    ) -> Result<Vec<Cell>, Error> {
        let cfg = self.cfg;
        let (tn, td) = (inputs[0], inputs[1]);
        let mut out = Vec::with_capacity(den.len());
        for (i, &j) in den.iter().enumerate() {
            let j = j as usize;
            let row = self.row;
            cfg.div_gadget.q.enable(self.region, row)?;
            self.copy_in(cfg.a[0], row, tn, i);
            self.copy_in(cfg.b[0], row, td, j);
            self.region
                .assign_fixed(cfg.div, row, felt::from_i128(1i128 << (shift + 1)));
            let y = self.int(output, i);
            out.push(self.region.assign_advice(cfg.y, row, opt(y)).cell());
            self.range_y(row, y, true)?;
            // r from the cells' own values (so a wrong y shows in the gates, not here)
            let rs = match (self.int(tn, i), self.int(td, j), y) {
                (Some(n), Some(d), Some(y)) => Some(super::div::remainders(
                    n as i128, d as i128, y as i128, shift,
                )),
                _ => None,
            };
            self.region.assign_advice(
                cfg.r,
                row,
                rs.map_or(Value::unknown(), |(r, _)| Value::known(felt::from_i128(r))),
            );
            self.digits(row, 2, rs.map(|(r, _)| r));
            self.digits(row, 4, rs.map(|(_, s)| s));
            self.row += 1;
        }
        Ok(out)
    }

    /// The is-zero gadget (`iszero.rs`): `z = [x = 0]`, one row per element.
    fn is_zero(&mut self, input: usize, output: usize) -> Result<Vec<Cell>, Error> {
        let cfg = self.cfg;
        let n = self.q.len_of(output);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let row = self.row;
            cfg.is_zero.q.enable(self.region, row)?;
            self.copy_in(cfg.a[0], row, input, i);
            let w = self.val(input, i).map(super::iszero::witness);
            self.region.assign_advice(cfg.b[0], row, w);
            out.push(
                self.region
                    .assign_advice(cfg.y, row, self.val(output, i))
                    .cell(),
            );
            self.row += 1;
        }
        Ok(out)
    }

    fn lookup(&mut self, k: usize, input: usize, output: usize) -> Result<Vec<Cell>, Error> {
        let cfg = self.cfg;
        let n = self.q.len_of(output);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let row = self.row;
            cfg.funcs.q[k].enable(self.region, row)?;
            self.copy_in(cfg.a[0], row, input, i);
            out.push(
                self.region
                    .assign_advice(cfg.acc, row, self.val(output, i))
                    .cell(),
            );
            self.row += 1;
        }
        Ok(out)
    }
}

fn opt(v: Option<i64>) -> Value<Fr> {
    match v {
        Some(v) => Value::known(felt::from_i64(v)),
        None => Value::unknown(),
    }
}
