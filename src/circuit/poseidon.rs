//! The Poseidon sponge chip: circomlib's width-5 permutation ([`crate::poseidon`]), absorbing
//! four elements per permutation ([`crate::commitment`] defines the sponge).
//!
//! Columns: state `s_0..s_4`, the absorbed block `blk_1..blk_4`, and `N` work columns (advice,
//! `N` one of [`WORK_WIDTHS`]: 15, 10 or 5, the chip's shape); constant columns `c_*` (fixed).
//! Row `r`'s `s` is the state before its rounds, the next row's `s` the state after them.
//!
//! One round from state `x` with constants `c`: `a_j = x_j + c_j`; the S-box `b_j = a_j⁵`
//! (every lane in a full round, lane 0 in a partial one, `b_j = a_j` elsewhere); the next state
//! `y_i = Σ_j M_ij·b_j`. An S-box holds the square `v = a²` in a cell, so `b = v²·a` is degree 3.
//! Gates (degree 4 with the selector):
//! - `poseidon absorb`: the row's full rounds, the first with `a_j = s_j + blk_j + c_j` (how a
//!   block is absorbed). Two rounds per row at `N = 15` (work columns: the state between them,
//!   then each round's five squares), one at `N = 10` or `5` (its five squares).
//! - `poseidon full`: the same full rounds without the block.
//! - `poseidon partial ×P`: `P` partial rounds, `P = (N + 4) / 2` (9, 7 or 4) and a shorter last
//!   row. Only lane 0 is S-boxed, so every other lane stays an affine function of the row's
//!   state `s` and the S-box outputs so far: the gate holds lane 0's square `v_r` and output
//!   `b_r` of each round (the work and block columns, in pairs), and constrains
//!   `a_r = L_r(s, b_0..b_{r−1}) + c_r`, `v_r = a_r²`, `b_r = v_r²·a_r`, and the next row's state
//!   `s'_i = E_i(s, b) + c_{P+i}`. The coefficients of `L_r` and `E_i` are those of the MDS
//!   matrix composed round after round (the same on every partial row: in the gate); their
//!   constant terms fold the rows' round constants (in the fixed columns).
//!
//! A permutation (8 full rounds, 60 partial) is 11 rows at `N = 15`, 17 at 10, 23 at 5 (two
//! rounds per row took 34); a sponge of `b` blocks takes `rows_per_perm·b + 1` rows: its first
//! row's state is fixed to `[tag, 0, 0, 0, 0]` by copy constraints to constants, and its output
//! `s_1` of the last row is returned for the instance column.

use halo2_proofs::circuit::{Cell, Region, Value};
use halo2_proofs::plonk::{
    Advice, Column, ConstraintSystem, Error, Expression, Fixed, Selector, VirtualCells,
};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;
use halo2curves::ff::Field;

use crate::commitment::{RATE, WIDTH};
use crate::poseidon::{self, Constants, R_F};

/// The rounds of one row: two full rounds (the first absorbing a block), or `n` partial ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Absorb,
    Full,
    Partial(usize),
}

/// The widths the chip comes in: its work columns (advice, beside the state and the block).
/// 15: two full rounds or nine partial ones per row (11 rows per permutation); 10: one full
/// round or seven partial ones (17 rows); 5: one full round or four partial ones (23 rows).
pub const WORK_WIDTHS: [usize; 3] = [3 * WIDTH, 2 * WIDTH, WIDTH];

/// Full rounds per row at `work` columns.
fn full_per_row(work: usize) -> usize {
    if work >= 3 * WIDTH {
        2
    } else {
        1
    }
}

/// Partial rounds per row: each takes two of the work and block columns.
fn partial_per_row(work: usize) -> usize {
    (work + RATE) / 2
}

/// Constant columns: a full row's round constants, or a partial row's `P + WIDTH` constant terms.
fn fixed_cols(work: usize) -> usize {
    (full_per_row(work) * WIDTH).max(partial_per_row(work) + WIDTH)
}

/// One permutation's rows at `work` columns: each row's kind and its first round.
fn schedule(work: usize) -> Vec<(Kind, usize)> {
    let rp = poseidon::partial_rounds(WIDTH);
    let f = full_per_row(work);
    let mut rows = vec![];
    for r in (0..R_F / 2).step_by(f) {
        rows.push((if r == 0 { Kind::Absorb } else { Kind::Full }, r));
    }
    let mut r = R_F / 2;
    while r < R_F / 2 + rp {
        let n = partial_per_row(work).min(R_F / 2 + rp - r);
        rows.push((Kind::Partial(n), r));
        r += n;
    }
    for r in (r..r + R_F / 2).step_by(f) {
        rows.push((Kind::Full, r));
    }
    rows
}

/// Rows of one permutation at `work` columns.
pub fn rows_per_perm(work: usize) -> usize {
    schedule(work).len()
}

/// Rows a sponge over `blocks` blocks takes at `work` columns.
pub fn rows(blocks: usize, work: usize) -> usize {
    rows_per_perm(work) * blocks + 1
}

/// A run of advice columns.
type Cols = [Column<Advice>];

/// An affine form over a partial row's state `s_0..s_4` and its S-box outputs `b_0..`:
/// coefficients (state first) and a constant term.
#[derive(Clone, Debug)]
struct Form {
    coef: Vec<Fr>,
    c: Fr,
}

/// `n` partial rounds from round `r0`, symbolically: lane 0's S-box input of each round and the
/// state after the last, as affine forms (their coefficients do not depend on `r0`).
fn partial_forms(c: &Constants<Fr>, r0: usize, n: usize) -> (Vec<Form>, Vec<Form>) {
    let unit = |i: usize| Form {
        coef: (0..WIDTH + n)
            .map(|k| Fr::from(u64::from(k == i)))
            .collect(),
        c: Fr::ZERO,
    };
    let mut st: Vec<Form> = (0..WIDTH).map(unit).collect();
    let mut a = vec![];
    for t in 0..n {
        for (j, f) in st.iter_mut().enumerate() {
            f.c += c.round_constants[(r0 + t) * WIDTH + j];
        }
        a.push(st[0].clone());
        let mut b = st;
        b[0] = unit(WIDTH + t);
        st = (0..WIDTH)
            .map(|i| Form {
                coef: (0..WIDTH + n)
                    .map(|k| (0..WIDTH).map(|j| c.mds[i][j] * b[j].coef[k]).sum())
                    .collect(),
                c: (0..WIDTH).map(|j| c.mds[i][j] * b[j].c).sum(),
            })
            .collect();
    }
    (a, st)
}

/// One element of the absorbed message: its value (absent at key generation) and the cell it
/// must equal (`None`: a free witness, e.g. the salt).
#[derive(Clone, Copy, Debug)]
pub struct MsgElem {
    pub value: Option<Fr>,
    pub src: Option<Cell>,
}

#[derive(Clone, Debug)]
pub struct PoseidonConfig {
    pub s: [Column<Advice>; WIDTH],
    pub blk: [Column<Advice>; RATE],
    /// work columns: a full row's squares and middle state, a partial row's S-box cells
    pub work: Vec<Column<Advice>>,
    /// constants: a full row's round constants, or a partial row's constant terms
    pub c: Vec<Column<Fixed>>,
    pub q_absorb: Selector,
    pub q_full: Selector,
    /// partial rows, by their number of rounds
    pub q_partial: Vec<(usize, Selector)>,
}

/// One round's constraints: from state `x` (expressions) into the cells `y` (at `y_rot`) with
/// squares `v`, constants `c`; `full`: every lane S-boxed, else lane 0 only.
#[allow(clippy::too_many_arguments)]
fn round(
    meta: &mut VirtualCells<'_, Fr>,
    q: &Expression<Fr>,
    mds: &[Vec<Expression<Fr>>],
    x: Vec<Expression<Fr>>,
    c: &[Column<Fixed>],
    v: &[Column<Advice>],
    y: &[Column<Advice>],
    y_rot: Rotation,
    full: bool,
    out: &mut Vec<Expression<Fr>>,
) {
    let boxed = if full { WIDTH } else { 1 };
    let mut b = vec![];
    for (j, xj) in x.into_iter().enumerate() {
        let a = xj + meta.query_fixed(c[j], Rotation::cur());
        if j < boxed {
            let vj = meta.query_advice(v[j], Rotation::cur());
            out.push(q.clone() * (vj.clone() - a.clone() * a.clone()));
            b.push(vj.clone() * vj * a);
        } else {
            b.push(a);
        }
    }
    for (i, mi) in mds.iter().enumerate() {
        let yi = meta.query_advice(y[i], y_rot);
        let sum = mi
            .iter()
            .zip(&b)
            .map(|(mij, bj)| mij.clone() * bj.clone())
            .reduce(|p, q| p + q)
            .expect("width > 0");
        out.push(q.clone() * (yi - sum));
    }
}

impl PoseidonConfig {
    /// The work and block columns in the order partial rows use them (pairs `v_r`, `b_r`).
    fn partial_cols(&self) -> Vec<Column<Advice>> {
        self.work.iter().chain(&self.blk).copied().collect()
    }

    /// Full rounds per row.
    pub fn full_per_row(&self) -> usize {
        full_per_row(self.work.len())
    }

    /// A full row's columns: the squares of its rounds, and the state between them (two rounds).
    fn full_cols(&self) -> (Vec<&[Column<Advice>]>, Option<&Cols>) {
        match self.full_per_row() {
            2 => (
                vec![&self.work[WIDTH..2 * WIDTH], &self.work[2 * WIDTH..]],
                Some(&self.work[..WIDTH]),
            ),
            _ => (vec![&self.work[..WIDTH]], None),
        }
    }

    /// The chip with `work` work columns (one of [`WORK_WIDTHS`]).
    pub fn configure(meta: &mut ConstraintSystem<Fr>, work: usize) -> Self {
        assert!(
            WORK_WIDTHS.contains(&work),
            "poseidon: unsupported width {work}"
        );
        let s = [(); WIDTH].map(|_| meta.advice_column());
        let blk = [(); RATE].map(|_| meta.advice_column());
        let work_cols = (0..work).map(|_| meta.advice_column()).collect();
        let c = (0..fixed_cols(work)).map(|_| meta.fixed_column()).collect();
        for col in s.iter().chain(&blk) {
            meta.enable_equality(*col);
        }
        let mut partial_sizes: Vec<usize> = schedule(work)
            .into_iter()
            .filter_map(|(k, _)| match k {
                Kind::Partial(n) => Some(n),
                _ => None,
            })
            .collect();
        partial_sizes.sort_unstable();
        partial_sizes.dedup();
        let cfg = PoseidonConfig {
            s,
            blk,
            work: work_cols,
            c,
            q_absorb: meta.selector(),
            q_full: meta.selector(),
            q_partial: partial_sizes
                .into_iter()
                .map(|n| (n, meta.selector()))
                .collect(),
        };
        let consts = poseidon::constants::<Fr>(WIDTH);
        let mds: Vec<Vec<Expression<Fr>>> = consts
            .mds
            .iter()
            .map(|row| row.iter().map(|&x| Expression::Constant(x)).collect())
            .collect();
        for (name, sel, absorb) in [
            ("poseidon absorb", cfg.q_absorb, true),
            ("poseidon full", cfg.q_full, false),
        ] {
            let cc = cfg.clone();
            let mds = mds.clone();
            meta.create_gate(name, move |meta| {
                let q = meta.query_selector(sel);
                let mut out = vec![];
                let x: Vec<Expression<Fr>> = (0..WIDTH)
                    .map(|j| {
                        let sj = meta.query_advice(cc.s[j], Rotation::cur());
                        if absorb && j >= 1 {
                            sj + meta.query_advice(cc.blk[j - 1], Rotation::cur())
                        } else {
                            sj
                        }
                    })
                    .collect();
                let (squares, mid) = cc.full_cols();
                let mut x = x;
                for (k, sq) in squares.iter().enumerate() {
                    let last = k + 1 == squares.len();
                    let (y, rot) = match (last, mid) {
                        (false, Some(m)) => (m, Rotation::cur()),
                        _ => (&cc.s[..], Rotation::next()),
                    };
                    let ck = &cc.c[k * WIDTH..(k + 1) * WIDTH];
                    round(meta, &q, &mds, x, ck, sq, y, rot, true, &mut out);
                    x = y
                        .iter()
                        .map(|&col| meta.query_advice(col, Rotation::cur()))
                        .collect();
                }
                out
            });
        }
        for &(n, sel) in &cfg.q_partial {
            let cc = cfg.clone();
            // the coefficients (the constant terms come from the fixed columns)
            let (a_forms, end) = partial_forms(&consts, R_F / 2, n);
            meta.create_gate(format!("poseidon partial ×{n}"), move |meta| {
                let q = meta.query_selector(sel);
                let work = cc.partial_cols();
                let mut cells: Vec<Expression<Fr>> = (0..WIDTH)
                    .map(|j| meta.query_advice(cc.s[j], Rotation::cur()))
                    .collect();
                let affine = |meta: &mut VirtualCells<'_, Fr>,
                              f: &Form,
                              cells: &[Expression<Fr>],
                              fixed: Column<Fixed>| {
                    f.coef
                        .iter()
                        .zip(cells)
                        .filter(|(k, _)| !bool::from(k.is_zero()))
                        .fold(meta.query_fixed(fixed, Rotation::cur()), |acc, (k, x)| {
                            acc + Expression::Constant(*k) * x.clone()
                        })
                };
                let mut out = vec![];
                for (r, f) in a_forms.iter().enumerate() {
                    let a = affine(meta, f, &cells, cc.c[r]);
                    let v = meta.query_advice(work[2 * r], Rotation::cur());
                    let b = meta.query_advice(work[2 * r + 1], Rotation::cur());
                    out.push(q.clone() * (v.clone() - a.clone() * a.clone()));
                    out.push(q.clone() * (b.clone() - v.clone() * v * a));
                    cells.push(b);
                }
                for (i, f) in end.iter().enumerate() {
                    let e = affine(meta, f, &cells, cc.c[n + i]);
                    let y = meta.query_advice(cc.s[i], Rotation::next());
                    out.push(q.clone() * (y - e));
                }
                out
            });
        }
        cfg
    }

    /// Assign a sponge with initial capacity `tag` over `msg` from `row0`; returns the output
    /// cell and the rows used (the final state's row included). `msg` is zero-padded to whole
    /// blocks here.
    pub fn assign_sponge(
        &self,
        region: &mut Region<'_, Fr>,
        row0: usize,
        tag: Fr,
        msg: &[MsgElem],
    ) -> Result<(Cell, usize), Error> {
        let c: Constants<Fr> = poseidon::constants::<Fr>(WIDTH);
        let sched = schedule(self.work.len());
        let work = self.partial_cols();
        let nb = msg.len().div_ceil(RATE).max(1);
        let known = msg.iter().all(|m| m.value.is_some());
        let mut state: Option<[Fr; WIDTH]> =
            known.then_some([tag, Fr::ZERO, Fr::ZERO, Fr::ZERO, Fr::ZERO]);
        // the initial state: constants
        for j in 0..WIDTH {
            let v = if j == 0 { tag } else { Fr::ZERO };
            region.assign_advice_from_constant(|| "sponge init", self.s[j], row0, v)?;
        }
        let mut row = row0;
        let mut out = None;
        // one round natively: (squares, S-box outputs, next state)
        let step = |st: &[Fr; WIDTH], r: usize, full: bool| {
            let mut u = [Fr::ZERO; WIDTH];
            let mut b = [Fr::ZERO; WIDTH];
            for j in 0..WIDTH {
                let a = st[j] + c.round_constants[r * WIDTH + j];
                if full || j == 0 {
                    u[j] = a.square();
                    b[j] = u[j].square() * a;
                } else {
                    b[j] = a;
                }
            }
            let mut n = [Fr::ZERO; WIDTH];
            for (i, ni) in n.iter_mut().enumerate() {
                *ni = (0..WIDTH).map(|j| c.mds[i][j] * b[j]).sum();
            }
            (u, b, n)
        };
        // the constant terms of each partial row (by its first round)
        let partial_consts: Vec<Vec<Fr>> = sched
            .iter()
            .map(|&(k, r)| match k {
                Kind::Partial(n) => {
                    let (a, end) = partial_forms(&c, r, n);
                    a.iter().chain(&end).map(|f| f.c).collect()
                }
                _ => vec![],
            })
            .collect();
        for b in 0..nb {
            // the block on the permutation's first row
            let mut blk = [Some(Fr::ZERO); RATE];
            for (i, (slot, &col)) in blk.iter_mut().zip(&self.blk).enumerate() {
                match msg.get(b * RATE + i) {
                    Some(m) => {
                        *slot = m.value;
                        let cell = region.assign_advice(col, row, opt(m.value)).cell();
                        if let Some(src) = m.src {
                            region.constrain_equal(cell, src);
                        }
                    }
                    None => {
                        region.assign_advice_from_constant(
                            || "sponge padding",
                            col,
                            row,
                            Fr::ZERO,
                        )?;
                    }
                }
            }
            for (&(kind, r), pc) in sched.iter().zip(&partial_consts) {
                // the state before this row's rounds (row0's came from constants)
                if row > row0 {
                    for j in 0..WIDTH {
                        region.assign_advice(self.s[j], row, opt(state.map(|s| s[j])));
                    }
                }
                match kind {
                    Kind::Absorb | Kind::Full => {
                        let sel = if kind == Kind::Absorb {
                            self.q_absorb
                        } else {
                            self.q_full
                        };
                        sel.enable(region, row)?;
                        let f = self.full_per_row();
                        for k in 0..f {
                            for j in 0..WIDTH {
                                let v = c.round_constants[(r + k) * WIDTH + j];
                                region.assign_fixed(self.c[k * WIDTH + j], row, v);
                            }
                        }
                        if kind == Kind::Full {
                            for col in self.blk {
                                region.assign_advice(col, row, Value::known(Fr::ZERO));
                            }
                        }
                        // the rounds natively: each one's squares and the state after it
                        let mut rounds: Vec<Option<([Fr; WIDTH], [Fr; WIDTH])>> = vec![];
                        for k in 0..f {
                            let st = match rounds.last() {
                                None => state.map(|mut st| {
                                    if kind == Kind::Absorb {
                                        for i in 0..RATE {
                                            st[1 + i] += blk[i].expect("known");
                                        }
                                    }
                                    st
                                }),
                                Some(prev) => prev.map(|(_, n)| n),
                            };
                            rounds.push(st.map(|st| {
                                let (u, _, n) = step(&st, r + k, true);
                                (u, n)
                            }));
                        }
                        let (squares, mid) = self.full_cols();
                        let mut used = vec![];
                        for (sq, rd) in squares.iter().zip(&rounds) {
                            for j in 0..WIDTH {
                                region.assign_advice(sq[j], row, opt(rd.map(|(u, _)| u[j])));
                            }
                            used.extend_from_slice(sq);
                        }
                        if let Some(m) = mid {
                            for j in 0..WIDTH {
                                region.assign_advice(m[j], row, opt(rounds[0].map(|(_, n)| n[j])));
                            }
                            used.extend_from_slice(m);
                        }
                        for col in self.work.iter().filter(|c| !used.contains(c)) {
                            region.assign_advice(*col, row, Value::known(Fr::ZERO));
                        }
                        state = rounds.last().copied().flatten().map(|(_, n)| n);
                    }
                    Kind::Partial(n) => {
                        let sel = self
                            .q_partial
                            .iter()
                            .find(|(m, _)| *m == n)
                            .ok_or(Error::Synthesis)?
                            .1;
                        sel.enable(region, row)?;
                        for (&col, &v) in self.c.iter().zip(pc) {
                            region.assign_fixed(col, row, v);
                        }
                        let mut cells = vec![None; work.len()];
                        for t in 0..n {
                            let s = state.map(|st| step(&st, r + t, false));
                            cells[2 * t] = Some(s.map(|(u, _, _)| u[0]));
                            cells[2 * t + 1] = Some(s.map(|(_, b, _)| b[0]));
                            state = s.map(|(_, _, n)| n);
                        }
                        for (col, v) in work.iter().zip(cells) {
                            // an unused work cell holds zero
                            let v = v.unwrap_or(Some(Fr::ZERO));
                            region.assign_advice(*col, row, opt(v));
                        }
                    }
                }
                row += 1;
            }
            if b + 1 == nb {
                // the final state
                for j in 0..WIDTH {
                    let cell = region
                        .assign_advice(self.s[j], row, opt(state.map(|s| s[j])))
                        .cell();
                    if j == 1 {
                        out = Some(cell);
                    }
                }
                for col in self.blk {
                    region.assign_advice(col, row, Value::known(Fr::ZERO));
                }
            }
        }
        Ok((out.ok_or(Error::Synthesis)?, row + 1 - row0))
    }
}

fn opt(v: Option<Fr>) -> Value<Fr> {
    v.map_or(Value::unknown(), Value::known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_covers_every_round_once_in_order() {
        for work in WORK_WIDTHS {
            let f = full_per_row(work);
            let mut next = 0;
            for (kind, r) in schedule(work) {
                assert_eq!(r, next);
                next += match kind {
                    Kind::Absorb | Kind::Full => {
                        assert!((r..r + f).all(is_full_round));
                        f
                    }
                    Kind::Partial(n) => {
                        assert!((r..r + n).all(|t| !is_full_round(t)));
                        n
                    }
                };
            }
            assert_eq!(next, R_F + poseidon::partial_rounds(WIDTH));
            assert_eq!(schedule(work)[0].0, Kind::Absorb);
        }
        assert_eq!(WORK_WIDTHS.map(rows_per_perm), [11, 17, 23]);
    }

    fn is_full_round(r: usize) -> bool {
        r < R_F / 2 || r >= R_F / 2 + poseidon::partial_rounds(WIDTH)
    }

    #[test]
    fn partial_forms_compute_the_rounds() {
        // the affine forms, evaluated at a state and its S-box outputs, give the native rounds
        let c = poseidon::constants::<Fr>(WIDTH);
        for (kind, r0) in WORK_WIDTHS.iter().flat_map(|&w| schedule(w)) {
            let Kind::Partial(n) = kind else { continue };
            let mut st: [Fr; WIDTH] = std::array::from_fn(|j| Fr::from(7 + j as u64 * 1000));
            let x0 = st;
            let (a, end) = partial_forms(&c, r0, n);
            let mut bs = vec![];
            let eval = |f: &Form, bs: &[Fr]| {
                f.c + x0
                    .iter()
                    .chain(bs)
                    .zip(&f.coef)
                    .map(|(x, k)| *x * k)
                    .sum::<Fr>()
            };
            for (t, ft) in a.iter().enumerate() {
                let r = r0 + t;
                let a0 = st[0] + c.round_constants[r * WIDTH];
                assert_eq!(eval(ft, &bs), a0);
                let mut b: [Fr; WIDTH] =
                    std::array::from_fn(|j| st[j] + c.round_constants[r * WIDTH + j]);
                b[0] = a0.square().square() * a0;
                bs.push(b[0]);
                st = std::array::from_fn(|i| (0..WIDTH).map(|j| c.mds[i][j] * b[j]).sum());
            }
            for (i, f) in end.iter().enumerate() {
                assert_eq!(eval(f, &bs), st[i]);
            }
        }
    }
}
