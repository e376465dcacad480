//! The dot-product gadget: an output's `Σ a·b` over `⌈terms/lanes⌉` rows, `L` products per row,
//! accumulated in `acc` (the rescale gadget, `rescale.rs`, divides the last row's `acc`).
//!
//! Gates (`L` lanes):
//! - `dot_first`: `q_first · (acc − Σ_j a_j·b_j) = 0` (an output's first row)
//! - `dot_next`:  `q_next · (acc − acc_prev − Σ_j a_j·b_j) = 0` (its later rows)
//! - `b_fixed` (one per lane): `m_j · (b_j − f_j) = 0`: a right factor that is a constant of the
//!   circuit (a coefficient, a `fixed` weight) equals the fixed column `f_j` wherever `m_j = 1`.

use std::collections::HashMap;

use halo2_proofs::circuit::{Cell, Value};
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Expression, Fixed, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use super::rescale;
use super::rows::{at, Rows, Wires};
use crate::felt;
use crate::quant::{Dot, QParam, Term, TermA, TermB};

/// The shared columns the gadget reads.
#[derive(Clone, Debug)]
pub struct DotColumns {
    pub a: Vec<Column<Advice>>,
    pub b: Vec<Column<Advice>>,
    pub acc: Column<Advice>,
    pub f: Vec<Column<Fixed>>,
    pub m: Vec<Column<Fixed>>,
}

#[derive(Clone, Copy, Debug)]
pub struct DotConfig {
    pub q_first: Selector,
    pub q_next: Selector,
}

/// Rows of one output of `terms` products with `lanes` per row.
pub fn rows(terms: usize, lanes: usize) -> usize {
    terms.div_ceil(lanes.max(1)).max(1)
}

/// Rows of a whole [`Dot`] step: every output's products, rescaled on its last row.
pub fn step_rows(d: &Dot, lanes: usize) -> usize {
    let mut terms = vec![];
    (0..d.out_len())
        .map(|o| {
            d.terms(o, &mut terms);
            rows(terms.len(), lanes)
        })
        .sum()
}

/// The model's weights as the gadget reads them: constants of the circuit (`fixed`: the lane's
/// `f` column, `m = 1`), or witnesses whose every use is tied to the first one (`home`).
pub struct Weights<'a> {
    pub params: &'a [QParam],
    pub fixed: bool,
    /// a witness is being assigned (private weights are unknown at key generation)
    pub known: bool,
    /// the first cell each private weight `(param, index)` was assigned to
    pub home: HashMap<(usize, usize), Cell>,
}

/// Assign a [`Dot`] step over `inputs`: per output, its products `L` per row accumulated in
/// `acc`, then the rescale (`rescale.rs`) on the last row; returns the outputs' `y` cells.
pub fn assign(
    rows: &mut Rows,
    d: &Dot,
    inputs: &[Wires],
    w: &mut Weights,
    y: Option<&[i64]>,
) -> Result<Vec<Cell>, Error> {
    let cfg = rows.cfg;
    let lanes = cfg.params.lanes;
    let n = d.out_len();
    let mut out = Vec::with_capacity(n);
    let mut terms: Vec<Term> = vec![];
    // with a witness, the sums are known (every factor then is)
    let known = y.is_some();
    for o in 0..n {
        d.terms(o, &mut terms);
        let mut acc: i128 = 0;
        for r in 0..self::rows(terms.len(), lanes) {
            let row = rows.take_row();
            if r == 0 {
                cfg.dot.q_first.enable(rows.region, row)?;
            } else {
                cfg.dot.q_next.enable(rows.region, row)?;
            }
            for j in 0..lanes {
                let (a, b) = match terms.get(r * lanes + j).copied() {
                    Some(Term(a, b)) => (
                        lane_a(rows, j, row, a, inputs),
                        lane_b(rows, j, row, b, inputs, w),
                    ),
                    None => {
                        // an unused lane: 0·0, its right factor the fixed constant 0
                        rows.advice(cfg.a[j], row, Some(0));
                        rows.advice(cfg.b[j], row, Some(0));
                        rows.region.assign_fixed(cfg.m[j], row, Fr::one());
                        (Some(0), Some(0))
                    }
                };
                if let (Some(a), Some(b)) = (a, b) {
                    acc += a as i128 * b as i128;
                }
            }
            rows.advice(cfg.acc, row, known.then_some(acc));
        }
        // rescale on the last row
        let row = rows.row - 1;
        out.push(rescale::assign(
            rows,
            row,
            known.then_some(acc),
            d.div(),
            at(y, o),
        )?);
    }
    Ok(out)
}

/// Lane `j`'s left factor: an activation (a copy of its cell) or the constant one.
fn lane_a(rows: &mut Rows, j: usize, row: usize, a: TermA, inputs: &[Wires]) -> Option<i64> {
    let (v, src) = match a {
        TermA::Act { slot, idx } => (inputs[slot].val(idx), inputs[slot].cells[idx]),
        TermA::One => (Some(1), rows.one),
    };
    let cell = rows.advice(rows.cfg.a[j], row, v.map(i128::from));
    rows.region.constrain_equal(cell, src);
    v
}

/// Lane `j`'s right factor: a coefficient or a fixed weight (equal to the lane's fixed column),
/// a private weight (tied to its first use), or an activation (a copy of its cell).
fn lane_b(
    rows: &mut Rows,
    j: usize,
    row: usize,
    b: TermB,
    inputs: &[Wires],
    w: &mut Weights,
) -> Option<i64> {
    let cfg = rows.cfg;
    let constant = |rows: &mut Rows, c: i64| {
        rows.region.assign_fixed(cfg.m[j], row, Fr::one());
        rows.region.assign_fixed(cfg.f[j], row, felt::from_i64(c));
        rows.region
            .assign_advice(cfg.b[j], row, Value::known(felt::from_i64(c)));
        Some(c)
    };
    match b {
        TermB::Coef(c) => constant(rows, c),
        TermB::Param { id, idx } => {
            let v = w.params[id].values[idx];
            if w.fixed {
                return constant(rows, v);
            }
            let cell = rows.advice(cfg.b[j], row, w.known.then_some(v as i128));
            match w.home.get(&(id, idx)) {
                Some(&home) => rows.region.constrain_equal(cell, home),
                None => {
                    w.home.insert((id, idx), cell);
                }
            }
            Some(v)
        }
        TermB::Act { slot, idx } => {
            let v = inputs[slot].val(idx);
            let cell = rows.advice(cfg.b[j], row, v.map(i128::from));
            rows.region.constrain_equal(cell, inputs[slot].cells[idx]);
            v
        }
    }
}

impl DotConfig {
    pub fn configure(meta: &mut ConstraintSystem<Fr>, c: &DotColumns) -> Self {
        let q_first = meta.selector();
        let q_next = meta.selector();
        let products = |meta: &mut halo2_proofs::plonk::VirtualCells<Fr>| -> Expression<Fr> {
            c.a.iter()
                .zip(&c.b)
                .map(|(&a, &b)| {
                    meta.query_advice(a, Rotation::cur()) * meta.query_advice(b, Rotation::cur())
                })
                .reduce(|x, y| x + y)
                .unwrap_or(Expression::Constant(Fr::zero()))
        };
        meta.create_gate("dot_first", |meta| {
            let q = meta.query_selector(q_first);
            let acc = meta.query_advice(c.acc, Rotation::cur());
            vec![q * (acc - products(meta))]
        });
        meta.create_gate("dot_next", |meta| {
            let q = meta.query_selector(q_next);
            let acc = meta.query_advice(c.acc, Rotation::cur());
            let prev = meta.query_advice(c.acc, Rotation::prev());
            vec![q * (acc - prev - products(meta))]
        });
        for j in 0..c.b.len() {
            meta.create_gate("b_fixed", |meta| {
                let mj = meta.query_fixed(c.m[j], Rotation::cur());
                let fj = meta.query_fixed(c.f[j], Rotation::cur());
                let bj = meta.query_advice(c.b[j], Rotation::cur());
                vec![mj * (bj - fj)]
            });
        }
        DotConfig { q_first, q_next }
    }
}

#[cfg(test)]
mod tests {
    use super::super::range;
    use super::super::rows::{Rows, Wires};
    use super::super::testing::{failures, params, Harness};
    use super::*;
    use crate::quant::matmul::{MatSrc, QMatMul};
    use crate::quant::DotKind;

    /// `[2, 4, 1, 6] · [3, 5, −1, 7]` (activations · weights), unrescaled: two lanes, two rows
    /// (`acc` 26, then 67).
    fn dot() -> Dot {
        let src = |act| MatSrc {
            act,
            id: 0,
            offs: vec![0],
            rs: if act { 4 } else { 1 },
            cs: 1,
        };
        Dot {
            rescale: 0,
            kind: DotKind::MatMul(QMatMul {
                batch: 1,
                m: 1,
                k: 4,
                n: 1,
                a: src(true),
                b: src(false),
                bias: None,
            }),
            divisor: None,
        }
    }

    /// What to overwrite after the production assignment.
    #[derive(Clone, Copy)]
    enum Tamper {
        None,
        /// `acc` of row `.0` (0 or 1)
        Acc(usize, i64),
        /// row 1's lane-1 fixed factor (`fixed` weights only)
        Fixed(i64),
    }

    fn run(fixed: bool, t: Tamper) -> Vec<String> {
        failures(Harness::new(params(2), move |cfg, region| {
            let mut rows = Rows::new(cfg, region)?;
            let xs = [2, 4, 1, 6];
            let cells = range::assign_inputs(&mut rows, 4, Some(&xs))?;
            let weights = [QParam {
                name: "w".into(),
                scale: 0,
                shape: vec![4],
                values: vec![3, 5, -1, 7],
            }];
            let mut w = Weights {
                params: &weights,
                fixed,
                known: true,
                home: HashMap::new(),
            };
            let d = dot();
            let x = Wires {
                cells: &cells,
                vals: Some(&xs),
            };
            let start = rows.row;
            assign(&mut rows, &d, &[x], &mut w, Some(&[67]))?;
            assert_eq!(
                rows.row - start,
                step_rows(&d, 2),
                "rows used ≠ rows counted"
            );
            assert_eq!(step_rows(&d, 2), 2);
            match t {
                Tamper::None => {}
                Tamper::Acc(r, v) => {
                    rows.advice(cfg.acc, start + r, Some(v as i128));
                }
                Tamper::Fixed(f) => {
                    rows.region
                        .assign_fixed(cfg.f[1], start + 1, felt::from_i64(f));
                }
            }
            Ok(())
        }))
    }

    #[test]
    fn honest_rows_pass() {
        assert!(run(false, Tamper::None).is_empty());
        assert!(run(true, Tamper::None).is_empty());
    }

    #[test]
    fn a_wrong_sum_fails_its_gate() {
        let e = run(false, Tamper::Acc(0, 27));
        assert!(e.iter().any(|e| e.contains("('dot_first')")), "{e:?}");
        let e = run(false, Tamper::Acc(1, 66));
        assert!(e.iter().any(|e| e.contains("('dot_next')")), "{e:?}");
        assert!(!e.iter().any(|e| e.contains("('dot_first')")), "{e:?}");
    }

    #[test]
    fn a_factor_other_than_the_fixed_one_fails_b_fixed() {
        let e = run(true, Tamper::Fixed(8));
        assert!(e.iter().any(|e| e.contains("('b_fixed')")), "{e:?}");
    }
}
