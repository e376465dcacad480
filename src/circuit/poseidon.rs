//! The Poseidon sponge chip: circomlib's width-5 permutation ([`crate::poseidon`]), one round
//! per row, absorbing four elements per permutation ([`crate::commitment`] defines the sponge).
//!
//! Columns: state `s_0..s_4`, the absorbed block `blk_1..blk_4`, S-box squares `u_0..u_4`
//! (advice); round constants `rc_0..rc_4` (fixed). Row `r` of a permutation holds the state
//! before round `r`; the next row the state after it. With `a_j = s_j + rc_j` (plus `blk_j` on a
//! permutation's first row, which is how a block is absorbed):
//! - `poseidon full` / `poseidon absorb`: `u_j = a_j²` and `s_i' = Σ_j M_ij·u_j²·a_j` (all five
//!   S-boxes; the absorbing variant is round 0 of every permutation)
//! - `poseidon partial`: `u_0 = a_0²` and `s_i' = M_i0·u_0²·a_0 + Σ_{j≥1} M_ij·a_j`
//!
//! Degree 4 (selector · u²·a). A sponge of `b` blocks takes `68·b + 1` rows: its first row's
//! state is fixed to `[tag, 0, 0, 0, 0]` by copy constraints to constants, and its output
//! `s_1` of the last row is returned for the instance column.

use halo2_proofs::circuit::{Cell, Region, Value};
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Expression, Fixed, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;
use halo2curves::ff::Field;

use crate::commitment::{RATE, WIDTH};
use crate::poseidon::{self, Constants, R_F};

/// Rows of one permutation (one per round).
pub fn rounds() -> usize {
    R_F + poseidon::partial_rounds(WIDTH)
}

/// Rows a sponge over `blocks` blocks takes.
pub fn rows(blocks: usize) -> usize {
    rounds() * blocks + 1
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
    pub u: [Column<Advice>; WIDTH],
    pub rc: [Column<Fixed>; WIDTH],
    pub q_absorb: Selector,
    pub q_full: Selector,
    pub q_partial: Selector,
}

impl PoseidonConfig {
    pub fn configure(meta: &mut ConstraintSystem<Fr>) -> Self {
        let s = [(); WIDTH].map(|_| meta.advice_column());
        let blk = [(); RATE].map(|_| meta.advice_column());
        let u = [(); WIDTH].map(|_| meta.advice_column());
        let rc = [(); WIDTH].map(|_| meta.fixed_column());
        for c in s.iter().chain(&blk) {
            meta.enable_equality(*c);
        }
        let cfg = PoseidonConfig {
            s,
            blk,
            u,
            rc,
            q_absorb: meta.selector(),
            q_full: meta.selector(),
            q_partial: meta.selector(),
        };
        let c = poseidon::constants::<Fr>(WIDTH);
        let m: Vec<Vec<Expression<Fr>>> = c
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
            let m = m.clone();
            meta.create_gate(name, move |meta| {
                let q = meta.query_selector(sel);
                let a: Vec<Expression<Fr>> = (0..WIDTH)
                    .map(|j| {
                        let mut a = meta.query_advice(cc.s[j], Rotation::cur())
                            + meta.query_fixed(cc.rc[j], Rotation::cur());
                        if absorb && j >= 1 {
                            a = a + meta.query_advice(cc.blk[j - 1], Rotation::cur());
                        }
                        a
                    })
                    .collect();
                let boxed = if full { WIDTH } else { 1 };
                let mut out = vec![];
                let mut x = vec![];
                for (j, aj) in a.iter().enumerate() {
                    if j < boxed {
                        let uj = meta.query_advice(cc.u[j], Rotation::cur());
                        out.push(q.clone() * (uj.clone() - aj.clone() * aj.clone()));
                        x.push(uj.clone() * uj * aj.clone());
                    } else {
                        x.push(aj.clone());
                    }
                }
                for (i, mi) in m.iter().enumerate() {
                    let next = meta.query_advice(cc.s[i], Rotation::next());
                    let sum = mi
                        .iter()
                        .zip(&x)
                        .map(|(mij, xj)| mij.clone() * xj.clone())
                        .reduce(|p, q| p + q)
                        .expect("width > 0");
                    out.push(q.clone() * (next - sum));
                }
                out
            });
        }
        cfg
    }

    /// Assign a sponge with initial capacity `tag` over `msg` from `row0`; returns the output
    /// cell. `msg` is zero-padded to whole blocks here.
    pub fn assign_sponge(
        &self,
        region: &mut Region<'_, Fr>,
        row0: usize,
        tag: Fr,
        msg: &[MsgElem],
    ) -> Result<Cell, Error> {
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
        let nr = rounds();
        let mut out = None;
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
            for r in 0..nr {
                let sel = if r == 0 {
                    self.q_absorb
                } else if is_full(r) {
                    self.q_full
                } else {
                    self.q_partial
                };
                sel.enable(region, row)?;
                for j in 0..WIDTH {
                    region.assign_fixed(self.rc[j], row, c.round_constants[r * WIDTH + j]);
                }
                if r > 0 {
                    for col in self.blk {
                        region.assign_advice(col, row, Value::known(Fr::ZERO));
                    }
                }
                // the round, natively
                let next = state.map(|mut st| {
                    if r == 0 {
                        for i in 0..RATE {
                            st[1 + i] += blk[i].expect("known");
                        }
                    }
                    let mut u = [Fr::ZERO; WIDTH];
                    let mut x = [Fr::ZERO; WIDTH];
                    for j in 0..WIDTH {
                        let a = st[j] + c.round_constants[r * WIDTH + j];
                        if is_full(r) || j == 0 {
                            u[j] = a.square();
                            x[j] = u[j].square() * a;
                        } else {
                            x[j] = a;
                        }
                    }
                    let mut n = [Fr::ZERO; WIDTH];
                    for (i, ni) in n.iter_mut().enumerate() {
                        *ni = (0..WIDTH).map(|j| c.mds[i][j] * x[j]).sum();
                    }
                    (u, n)
                });
                for j in 0..WIDTH {
                    region.assign_advice(self.u[j], row, opt(next.map(|(u, _)| u[j])));
                }
                // the state before this round (row0's came from constants)
                if row > row0 {
                    for j in 0..WIDTH {
                        region.assign_advice(self.s[j], row, opt(state.map(|s| s[j])));
                    }
                }
                state = next.map(|(_, n)| n);
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
        out.ok_or(Error::Synthesis)
    }
}

fn opt(v: Option<Fr>) -> Value<Fr> {
    v.map_or(Value::unknown(), Value::known)
}
