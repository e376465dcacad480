//! The clamp gadget: `y = max(x, lo)` for a constant floor `lo`, exactly, one row per element, no
//! table (Softmax's `exp` reads its input clamped, so a mask constant of −10⁴, −∞ or the float
//! minimum costs no table rows: `circuit/lookup.rs` then spans only `[lo, 0]`).
//!
//! Row: `a_0 = x` (a copy of the cell that made it), `y`, `r = y − x`, and the fixed
//! `y_off = −lo'` with `lo' = max(lo, −H)` (every activation is `≥ −H`, so clamping at `lo'` is
//! clamping at `lo`). Gate:
//! - `clamp`: `q · (y + y_off)·(y − a_0) = 0` and `q · (r − (y − a_0)) = 0`
//!
//! with `y + y_off ∈ [0, 2H)` by the range gadget (`y ≥ lo'`) and `r ∈ [0, B²)` by the rescale
//! gadget's `remainder` gate with `div = B²` (`y ≥ x`). So `y ∈ {lo', x}`, `y ≥ lo'`, `y ≥ x`:
//! `y = max(x, lo')`. An honest `y` passes the range: `y − lo' ≤ max(x − lo', 0) < 2H`.

use halo2_proofs::circuit::Cell;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Fixed, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use super::rows::{at, Rows, Wires};
use super::{range, rescale};
use crate::felt;

/// The shared columns the gadget reads.
#[derive(Clone, Copy, Debug)]
pub struct ClampColumns {
    pub x: Column<Advice>,
    pub y: Column<Advice>,
    pub r: Column<Advice>,
    /// the range gadget's offset: `−lo'` on a clamp row
    pub y_off: Column<Fixed>,
}

#[derive(Clone, Copy, Debug)]
pub struct ClampConfig {
    pub q: Selector,
}

/// Rows of `n` elements.
pub fn rows(n: usize) -> usize {
    n
}

/// The floor the circuit clamps at for activations in `[−H, H)`: `max(lo, −H)`.
pub fn floor(lo: i64, range_half: i64) -> i64 {
    lo.max(-range_half)
}

impl ClampConfig {
    pub fn configure(meta: &mut ConstraintSystem<Fr>, c: ClampColumns) -> Self {
        let q = meta.selector();
        meta.create_gate("clamp", |meta| {
            let s = meta.query_selector(q);
            let x = meta.query_advice(c.x, Rotation::cur());
            let y = meta.query_advice(c.y, Rotation::cur());
            let r = meta.query_advice(c.r, Rotation::cur());
            let off = meta.query_fixed(c.y_off, Rotation::cur());
            let diff = y.clone() - x;
            vec![s.clone() * (y + off) * diff.clone(), s * (r - diff)]
        });
        ClampConfig { q }
    }
}

/// `y = max(x, lo)` for every element of `x`, one row each; returns the `y` cells.
pub fn assign(rows: &mut Rows, lo: i64, x: Wires, y: Option<&[i64]>) -> Result<Vec<Cell>, Error> {
    let cfg = rows.cfg;
    let lo = floor(lo, cfg.params.range_half);
    let b2 = 1i128 << (2 * cfg.params.digit_bits);
    let mut out = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let row = rows.take_row();
        cfg.clamp.q.enable(rows.region, row)?;
        rows.copy_in(cfg.a[0], row, x, i);
        let yi = at(y, i);
        out.push(rows.advice(cfg.y, row, yi.map(i128::from)));
        let diff = yi.zip(x.val(i)).map(|(y, x)| y as i128 - x as i128);
        rows.advice(cfg.r, row, diff);
        rows.region.assign_fixed(cfg.div, row, felt::from_i128(b2));
        range::check_y_at(rows, row, yi, -(lo as i128))?;
        rescale::remainder(rows, row, diff, b2)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{failures, over_inputs, params};
    use super::*;

    /// The production assignment of one clamp row at floor `lo` of input `x` (a range-checked
    /// model input, `H = 128`) claiming `y`; `r`, if given, then overwrites the difference cell.
    fn run(lo: i64, x: i64, y: i64, r: Option<i64>) -> Vec<String> {
        failures(over_inputs(
            params(1),
            vec![x],
            move |rows, x| {
                assign(rows, lo, x, Some(&[y]))?;
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
        for lo in [-100, -5, 0, 7] {
            for x in [-128, -100, -6, -5, 0, 6, 127] {
                assert!(run(lo, x, x.max(lo), None).is_empty(), "lo {lo}, x {x}");
            }
        }
        // a floor below the range clamps at −H: the identity on every activation
        for x in [-128, 0, 127] {
            assert!(run(-1_000_000, x, x, None).is_empty(), "x {x}");
        }
    }

    #[test]
    fn neither_the_floor_nor_x_fails_clamp() {
        let e = run(-5, 3, 4, None);
        assert!(e.iter().any(|e| e.contains("('clamp')")), "{e:?}");
        let e = run(-5, -9, -4, None);
        assert!(e.iter().any(|e| e.contains("('clamp')")), "{e:?}");
        // r not the difference
        let e = run(-5, 3, 3, Some(1));
        assert!(e.iter().any(|e| e.contains("('clamp')")), "{e:?}");
    }

    #[test]
    fn below_the_floor_or_below_x_fails_the_ranges() {
        // y = x < lo satisfies the gate; y ≥ lo does not hold
        let e = run(-5, -9, -9, None);
        assert!(e.iter().any(|e| e.contains("Lookup digit 1(")), "{e:?}");
        // y = lo for x > lo satisfies the gate; y − x ≥ 0 does not hold
        let e = run(-5, 9, -5, None);
        assert!(e.iter().any(|e| e.contains("Lookup digit 3(")), "{e:?}");
    }
}
