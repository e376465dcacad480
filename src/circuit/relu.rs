//! The Relu gadget: `y = max(x, 0)` exactly, one row per element, no table.
//!
//! Row: `a_0 = x` (a copy of the cell that made it), `y`, `r = y − x`. Gate:
//! - `relu`: `q_relu · y·(y − a_0) = 0` and `q_relu · (r − (y − a_0)) = 0`
//!
//! with `y ≥ 0` by the range gadget (offset 0: `y ∈ [0, 2H)`) and `r ≥ 0` by the rescale
//! gadget's `remainder` gate with `div = B²` (`r ∈ [0, B²)`). So `y ∈ {0, x}`, `y ≥ x`, `y ≥ 0`:
//! `y = max(x, 0)`.

use halo2_proofs::circuit::Cell;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use super::rows::{at, Rows, Wires};
use super::{range, rescale};
use crate::felt;

/// The shared columns the gadget reads.
#[derive(Clone, Copy, Debug)]
pub struct ReluColumns {
    pub x: Column<Advice>,
    pub y: Column<Advice>,
    pub r: Column<Advice>,
}

#[derive(Clone, Copy, Debug)]
pub struct ReluConfig {
    pub q: Selector,
}

/// Rows of `n` elements.
pub fn rows(n: usize) -> usize {
    n
}

impl ReluConfig {
    pub fn configure(meta: &mut ConstraintSystem<Fr>, c: ReluColumns) -> Self {
        let q = meta.selector();
        meta.create_gate("relu", |meta| {
            let s = meta.query_selector(q);
            let x = meta.query_advice(c.x, Rotation::cur());
            let y = meta.query_advice(c.y, Rotation::cur());
            let r = meta.query_advice(c.r, Rotation::cur());
            let diff = y.clone() - x;
            vec![s.clone() * y * diff.clone(), s * (r - diff)]
        });
        ReluConfig { q }
    }
}

/// `y = max(x, 0)` for every element of `x`, one row each; returns the `y` cells.
pub fn assign(rows: &mut Rows, x: Wires, y: Option<&[i64]>) -> Result<Vec<Cell>, Error> {
    let cfg = rows.cfg;
    let b2 = 1i128 << (2 * cfg.params.digit_bits);
    let mut out = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let row = rows.take_row();
        cfg.relu.q.enable(rows.region, row)?;
        rows.copy_in(cfg.a[0], row, x, i);
        let yi = at(y, i);
        out.push(rows.advice(cfg.y, row, yi.map(i128::from)));
        let diff = yi.zip(x.val(i)).map(|(y, x)| y as i128 - x as i128);
        rows.advice(cfg.r, row, diff);
        rows.region.assign_fixed(cfg.div, row, felt::from_i128(b2));
        range::check_y(rows, row, yi, false)?;
        rescale::remainder(rows, row, diff, b2)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{failures, over_inputs, params};
    use super::*;

    /// The production assignment of one Relu row of input `x` (a range-checked model input)
    /// claiming `y`; `r`, if given, then overwrites the difference cell.
    fn run(x: i64, y: i64, r: Option<i64>) -> Vec<String> {
        failures(over_inputs(
            params(1),
            vec![x],
            move |rows, x| {
                assign(rows, x, Some(&[y]))?;
                Ok(super::rows(1))
            },
            move |rows, row| {
                if let Some(r) = r {
                    rows.advice(rows.cfg.r, row, Some(r as i128));
                }
            },
        ))
    }

    #[test]
    fn honest_rows_pass() {
        for x in [-7, 0, 9] {
            assert!(run(x, x.max(0), None).is_empty(), "x = {x}");
        }
    }

    #[test]
    fn neither_zero_nor_x_fails_relu() {
        let e = run(3, 5, None);
        assert!(e.iter().any(|e| e.contains("('relu')")), "{e:?}");
        // r not the difference
        let e = run(3, 3, Some(1));
        assert!(e.iter().any(|e| e.contains("('relu')")), "{e:?}");
    }

    #[test]
    fn a_negative_output_or_a_zeroed_positive_fails_the_ranges() {
        // y = x < 0 satisfies the gate; y ≥ 0 does not hold
        let e = run(-7, -7, None);
        assert!(e.iter().any(|e| e.contains("Lookup digit 1(")), "{e:?}");
        // y = 0 for x > 0 satisfies the gate; y − x ≥ 0 does not hold
        let e = run(9, 0, None);
        assert!(e.iter().any(|e| e.contains("Lookup digit 3(")), "{e:?}");
    }
}
