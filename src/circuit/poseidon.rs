//! The Poseidon sponge chip: circomlib's width-5 permutation ([`crate::poseidon`]), two rounds
//! per row, absorbing four elements per permutation ([`crate::commitment`] defines the sponge).
//!
//! Columns: state `s_0..s_4`, the absorbed block `blk_1..blk_4`, the state between the row's two
//! rounds `m_0..m_4`, S-box squares `u_0..u_4` and `w_0..w_4` of its two rounds (advice); round
//! constants `rc_0..rc_4` and `rd_0..rd_4` (fixed). Row `r` of a permutation holds the state
//! before round `2r`, `m` the state after it, and the next row's `s` the state after round
//! `2r + 1`. One round from state `x` with constants `c` into state `y`, squares `v`:
//! `a_j = x_j + c_j`; `v_j = a_j²` on S-boxed lanes; `y_i = Σ_j M_ij·b_j` with `b_j = v_j²·a_j`
//! (S-boxed) or `a_j`. Gates (each two such rounds, `s → m → s'`):
//! - `poseidon absorb`: two full rounds, the first with `a_j = s_j + blk_j + rc_j` (how a block is
//!   absorbed: rounds 0 and 1 of every permutation)
//! - `poseidon full`: two full rounds (all five S-boxes)
//! - `poseidon partial`: two partial rounds (the S-box on lane 0 only)
//!
//! Degree 4 (selector · v²·a). The 8 full rounds come in pairs (4 + 4) and the 60 partial ones
//! too, so a permutation is 34 rows; a sponge of `b` blocks takes `34·b + 1` rows: its first
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

/// Rounds of one permutation.
pub fn rounds() -> usize {
    R_F + poseidon::partial_rounds(WIDTH)
}

/// Rows of one permutation (two rounds each).
pub fn rows_per_perm() -> usize {
    rounds() / 2
}

/// Rows a sponge over `blocks` blocks takes.
pub fn rows(blocks: usize) -> usize {
    rows_per_perm() * blocks + 1
}

fn is_full(r: usize) -> bool {
    r < R_F / 2 || r >= R_F / 2 + poseidon::partial_rounds(WIDTH)
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
    pub m: [Column<Advice>; WIDTH],
    /// squares of the row's first and second round
    pub u: [[Column<Advice>; WIDTH]; 2],
    /// constants of the row's first and second round
    pub rc: [[Column<Fixed>; WIDTH]; 2],
    pub q_absorb: Selector,
    pub q_full: Selector,
    pub q_partial: Selector,
}

/// One round's constraints: from state `x` (expressions) into the cells `y` (at `y_rot`) with
/// squares `v`, constants `c`; `full`: every lane S-boxed, else lane 0 only.
#[allow(clippy::too_many_arguments)]
fn round(
    meta: &mut VirtualCells<'_, Fr>,
    q: &Expression<Fr>,
    mds: &[Vec<Expression<Fr>>],
    x: Vec<Expression<Fr>>,
    c: &[Column<Fixed>; WIDTH],
    v: &[Column<Advice>; WIDTH],
    y: &[Column<Advice>; WIDTH],
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
    pub fn configure(meta: &mut ConstraintSystem<Fr>) -> Self {
        let adv = |meta: &mut ConstraintSystem<Fr>| [(); WIDTH].map(|_| meta.advice_column());
        let s = adv(meta);
        let blk = [(); RATE].map(|_| meta.advice_column());
        let m = adv(meta);
        let u = [adv(meta), adv(meta)];
        let rc = [
            [(); WIDTH].map(|_| meta.fixed_column()),
            [(); WIDTH].map(|_| meta.fixed_column()),
        ];
        for c in s.iter().chain(&blk) {
            meta.enable_equality(*c);
        }
        let cfg = PoseidonConfig {
            s,
            blk,
            m,
            u,
            rc,
            q_absorb: meta.selector(),
            q_full: meta.selector(),
            q_partial: meta.selector(),
        };
        let c = poseidon::constants::<Fr>(WIDTH);
        let mds: Vec<Vec<Expression<Fr>>> = c
            .mds
            .iter()
            .map(|row| row.iter().map(|&x| Expression::Constant(x)).collect())
            .collect();
        for (name, sel, absorb, full) in [
            ("poseidon absorb", cfg.q_absorb, true, true),
            ("poseidon full", cfg.q_full, false, true),
            ("poseidon partial", cfg.q_partial, false, false),
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
                round(
                    meta,
                    &q,
                    &mds,
                    x,
                    &cc.rc[0],
                    &cc.u[0],
                    &cc.m,
                    Rotation::cur(),
                    full,
                    &mut out,
                );
                let x: Vec<Expression<Fr>> = (0..WIDTH)
                    .map(|j| meta.query_advice(cc.m[j], Rotation::cur()))
                    .collect();
                round(
                    meta,
                    &q,
                    &mds,
                    x,
                    &cc.rc[1],
                    &cc.u[1],
                    &cc.s,
                    Rotation::next(),
                    full,
                    &mut out,
                );
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
        // one round natively: (squares, next state)
        let step = |st: &[Fr; WIDTH], r: usize| -> ([Fr; WIDTH], [Fr; WIDTH]) {
            let mut u = [Fr::ZERO; WIDTH];
            let mut b = [Fr::ZERO; WIDTH];
            for j in 0..WIDTH {
                let a = st[j] + c.round_constants[r * WIDTH + j];
                if is_full(r) || j == 0 {
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
            (u, n)
        };
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
            for pair in 0..rows_per_perm() {
                let r = 2 * pair;
                let sel = if r == 0 {
                    self.q_absorb
                } else if is_full(r) {
                    self.q_full
                } else {
                    self.q_partial
                };
                sel.enable(region, row)?;
                for (k, rc) in self.rc.iter().enumerate() {
                    for (j, &col) in rc.iter().enumerate() {
                        region.assign_fixed(col, row, c.round_constants[(r + k) * WIDTH + j]);
                    }
                }
                if r > 0 {
                    for col in self.blk {
                        region.assign_advice(col, row, Value::known(Fr::ZERO));
                    }
                }
                // the state before this row's rounds (row0's came from constants)
                if row > row0 {
                    for j in 0..WIDTH {
                        region.assign_advice(self.s[j], row, opt(state.map(|s| s[j])));
                    }
                }
                let first = state.map(|mut st| {
                    if r == 0 {
                        for i in 0..RATE {
                            st[1 + i] += blk[i].expect("known");
                        }
                    }
                    step(&st, r)
                });
                let second = first.map(|(_, mid)| step(&mid, r + 1));
                for j in 0..WIDTH {
                    region.assign_advice(self.u[0][j], row, opt(first.map(|(u, _)| u[j])));
                    region.assign_advice(self.m[j], row, opt(first.map(|(_, m)| m[j])));
                    region.assign_advice(self.u[1][j], row, opt(second.map(|(u, _)| u[j])));
                }
                state = second.map(|(_, n)| n);
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
