//! The pack lane: range-checks quantized values and packs them into field elements for the
//! Poseidon sponge ([`crate::commitment`] defines the packing), one value per row.
//!
//! Columns: `v` (the value, copy-constrained to the cell the model uses), `K` digits
//! `d_0..d_{K−1}` of `B = 2^digit_bits` (advice, each looked up in the digit table), `acc`
//! (advice, the packed element so far). With `W = K·digit_bits` and `off = 2^(W−1)`:
//! - `pack limb`: `q_limb · (v + off − Σ_i d_i·B^i) = 0`: with the lookups, `v + off ∈ [0, 2^W)`
//!   exactly, i.e. `v ∈ [−2^(W−1), 2^(W−1))`
//! - `pack first`: `q_first · (acc − (v + off)) = 0` (a chunk's first value)
//! - `pack next`: `q_next · (acc − acc_prev·2^W − (v + off)) = 0`
//!
//! A chunk's last `acc` is the element the sponge absorbs.

use halo2_proofs::circuit::{Cell, Region, Value};
use halo2_proofs::plonk::{
    Advice, Column, ConstraintSystem, Error, Expression, Selector, TableColumn,
};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use crate::commitment;
use crate::felt;

#[derive(Clone, Debug)]
pub struct PackConfig {
    pub v: Column<Advice>,
    pub d: Vec<Column<Advice>>,
    pub acc: Column<Advice>,
    pub q_limb: Selector,
    pub q_first: Selector,
    pub q_next: Selector,
    pub digit_bits: u32,
}

/// One value to pack: its integer (absent at key generation) and the model's cell it must equal
/// (`None`: a value no step reads, e.g. an unused parameter).
#[derive(Clone, Copy, Debug)]
pub struct PackValue {
    pub value: Option<i64>,
    pub src: Option<Cell>,
}

impl PackConfig {
    pub fn limb_bits(&self) -> u32 {
        self.d.len() as u32 * self.digit_bits
    }

    pub fn configure(
        meta: &mut ConstraintSystem<Fr>,
        t_digit: TableColumn,
        digits: usize,
        digit_bits: u32,
    ) -> Self {
        let v = meta.advice_column();
        let d: Vec<_> = (0..digits).map(|_| meta.advice_column()).collect();
        let acc = meta.advice_column();
        meta.enable_equality(v);
        meta.enable_equality(acc);
        let cfg = PackConfig {
            v,
            d,
            acc,
            q_limb: meta.complex_selector(),
            q_first: meta.selector(),
            q_next: meta.selector(),
            digit_bits,
        };
        let w = cfg.limb_bits();
        let off = Expression::Constant(felt::from_i128(1i128 << (w - 1)));
        let shift = Expression::Constant(felt::from_i128(1i128 << w));
        let c = cfg.clone();
        let (o1, o2, o3) = (off.clone(), off.clone(), off);
        meta.create_gate("pack limb", move |meta| {
            let q = meta.query_selector(c.q_limb);
            let v = meta.query_advice(c.v, Rotation::cur());
            let sum = c
                .d
                .iter()
                .enumerate()
                .map(|(i, &col)| {
                    meta.query_advice(col, Rotation::cur())
                        * Expression::Constant(felt::from_i128(1i128 << (i as u32 * c.digit_bits)))
                })
                .reduce(|a, b| a + b)
                .expect("at least one digit");
            vec![q * (v + o1.clone() - sum)]
        });
        let c = cfg.clone();
        meta.create_gate("pack first", move |meta| {
            let q = meta.query_selector(c.q_first);
            let v = meta.query_advice(c.v, Rotation::cur());
            let acc = meta.query_advice(c.acc, Rotation::cur());
            vec![q * (acc - v - o2.clone())]
        });
        let c = cfg.clone();
        meta.create_gate("pack next", move |meta| {
            let q = meta.query_selector(c.q_next);
            let v = meta.query_advice(c.v, Rotation::cur());
            let acc = meta.query_advice(c.acc, Rotation::cur());
            let prev = meta.query_advice(c.acc, Rotation::prev());
            vec![q * (acc - prev * shift.clone() - v - o3.clone())]
        });
        for (i, &col) in cfg.d.iter().enumerate() {
            meta.lookup(format!("pack digit {i}"), |meta| {
                let q = meta.query_selector(cfg.q_limb);
                let d = meta.query_advice(col, Rotation::cur());
                vec![(q * d, t_digit)]
            });
        }
        cfg
    }

    /// Assign `values` from `row0`, one per row; returns each packed element (value, cell).
    pub fn assign(
        &self,
        region: &mut Region<'_, Fr>,
        row0: usize,
        values: &[PackValue],
    ) -> Result<Vec<(Option<Fr>, Cell)>, Error> {
        let w = self.limb_bits();
        let per = commitment::per_element(w);
        let b = 1i128 << self.digit_bits;
        let off = 1i128 << (w - 1);
        let mut out = vec![];
        let mut row = row0;
        for chunk in values.chunks(per) {
            let mut acc: Option<Fr> = Some(Fr::zero());
            let mut last = None;
            for (i, pv) in chunk.iter().enumerate() {
                self.q_limb.enable(region, row)?;
                if i == 0 {
                    self.q_first.enable(region, row)?;
                } else {
                    self.q_next.enable(region, row)?;
                }
                let cell = region.assign_advice(self.v, row, opt_i(pv.value)).cell();
                if let Some(src) = pv.src {
                    region.constrain_equal(cell, src);
                }
                // digits of v + off; a value outside the range (never in an honest witness)
                // gets digits that fail the lookup
                let mut rest = pv.value.map(|v| v as i128 + off);
                let top = self.d.len() - 1;
                for (i, &col) in self.d.iter().enumerate() {
                    // the top digit takes what is left, so an out-of-range value shows in it
                    let dv = rest.map(|x| if i == top { x } else { x.rem_euclid(b) });
                    rest = rest.map(|x| x.div_euclid(b));
                    region.assign_advice(
                        col,
                        row,
                        dv.map_or(Value::unknown(), |d| Value::known(felt::from_i128(d))),
                    );
                }
                acc = match (acc, pv.value) {
                    (Some(a), Some(v)) => {
                        Some(a * felt::from_i128(1i128 << w) + felt::from_i128(v as i128 + off))
                    }
                    _ => None,
                };
                last = Some(
                    region
                        .assign_advice(self.acc, row, acc.map_or(Value::unknown(), Value::known))
                        .cell(),
                );
                row += 1;
            }
            out.push((acc, last.expect("chunks are not empty")));
        }
        Ok(out)
    }
}

fn opt_i(v: Option<i64>) -> Value<Fr> {
    v.map_or(Value::unknown(), |v| Value::known(felt::from_i64(v)))
}
