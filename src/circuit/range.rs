//! The range gadget: every value the circuit bounds is two base-`B` digits looked up in the
//! digit table `[0, B)` (`B = 2^digit_bits`, `B² ≥ 2H`).
//!
//! - `range y`: `q_range · (y + y_off − y_lo − B·y_hi) = 0` with `y_off` fixed: `H` for a value
//!   (`y ∈ [−H, H)`), `0` for a Relu output (`y ∈ [0, 2H)`)
//! - lookups `digit 0`, `digit 1` (`y_lo`, `y_hi`, selected by `q_range`) and `digit 2..5` (the
//!   remainder digits of the rescale, Relu and division gadgets, selected by their selectors)
//! - `digit 1 bound`: when `log2(2H)` is odd (`B² = 4H`), `y_hi + B − 2H/B ∈ [0, B)`, so that
//!   `y_hi < 2H/B` and `y + y_off ∈ [0, 2H)` exactly; with an even one the digit lookup says it.

use halo2_proofs::circuit::Cell;
use halo2_proofs::plonk::{
    Advice, Column, ConstraintSystem, Error, Expression, Fixed, Selector, TableColumn,
};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use super::rows::{at, Rows};
use crate::felt;

/// The shared columns the gadget reads.
#[derive(Clone, Debug)]
pub struct RangeColumns {
    pub y: Column<Advice>,
    pub y_off: Column<Fixed>,
    /// `y_lo, y_hi`, then the four remainder digits other gadgets fill
    pub digits: [Column<Advice>; 6],
    pub digit_bits: u32,
    pub range_half: i64,
}

#[derive(Clone, Copy, Debug)]
pub struct RangeConfig {
    pub q_range: Selector,
    /// the digit table `[0, B)`
    pub t_digit: TableColumn,
}

impl RangeConfig {
    /// `rem_users`: the selectors of the rows whose digits 2..5 are looked up.
    pub fn configure(
        meta: &mut ConstraintSystem<Fr>,
        c: &RangeColumns,
        rem_users: &[Selector],
    ) -> Self {
        let q_range = meta.complex_selector();
        let base = Expression::Constant(Fr::from(1u64 << c.digit_bits));
        meta.create_gate("range y", |meta| {
            let q = meta.query_selector(q_range);
            let y = meta.query_advice(c.y, Rotation::cur());
            let off = meta.query_fixed(c.y_off, Rotation::cur());
            let lo = meta.query_advice(c.digits[0], Rotation::cur());
            let hi = meta.query_advice(c.digits[1], Rotation::cur());
            vec![q * (y + off - lo - base.clone() * hi)]
        });
        let t_digit = meta.lookup_table_column();
        let rem_users = rem_users.to_vec();
        for (i, &col) in c.digits.iter().enumerate() {
            let users = rem_users.clone();
            meta.lookup(format!("digit {i}"), move |meta| {
                let q = if i < 2 {
                    meta.query_selector(q_range)
                } else {
                    users
                        .iter()
                        .map(|&s| meta.query_selector(s))
                        .reduce(|a, b| a + b)
                        .unwrap_or(Expression::Constant(Fr::zero()))
                };
                let d = meta.query_advice(col, Rotation::cur());
                vec![(q * d, t_digit)]
            });
        }
        let range_bits = (2 * c.range_half.max(1) as u64)
            .next_power_of_two()
            .trailing_zeros();
        let hi_bound = 1u64 << (range_bits - c.digit_bits.min(range_bits));
        if hi_bound < 1u64 << c.digit_bits {
            let shift = Expression::Constant(Fr::from((1u64 << c.digit_bits) - hi_bound));
            let hi = c.digits[1];
            meta.lookup("digit 1 bound", move |meta| {
                let q = meta.query_selector(q_range);
                let d = meta.query_advice(hi, Rotation::cur());
                vec![(q * (d + shift), t_digit)]
            });
        }
        RangeConfig { q_range, t_digit }
    }
}

/// Rows of `n` range-checked model inputs: one each.
pub fn input_rows(n: usize) -> usize {
    n
}

/// The model's inputs: one row each, `y` range-checked as a signed value. `n` values (`vals`
/// with a witness).
pub fn assign_inputs(rows: &mut Rows, n: usize, vals: Option<&[i64]>) -> Result<Vec<Cell>, Error> {
    let mut cells = Vec::with_capacity(n);
    for i in 0..n {
        let row = rows.take_row();
        let v = at(vals, i);
        check_y(rows, row, v, true)?;
        cells.push(rows.advice(rows.cfg.y, row, v.map(i128::from)));
    }
    Ok(cells)
}

/// Range-check the `y` cell of `row` (assigned by the caller): `y + H ∈ [0, 2H)` for a signed
/// value, `y ∈ [0, 2H)` when `signed` is false.
pub fn check_y(rows: &mut Rows, row: usize, y: Option<i64>, signed: bool) -> Result<(), Error> {
    let off = if signed {
        rows.cfg.params.range_half as i128
    } else {
        0
    };
    check_y_at(rows, row, y, off)
}

/// Range-check the `y` cell of `row` with the offset `off`: `y + off ∈ [0, 2H)`.
pub fn check_y_at(rows: &mut Rows, row: usize, y: Option<i64>, off: i128) -> Result<(), Error> {
    let cfg = rows.cfg;
    cfg.range.q_range.enable(rows.region, row)?;
    rows.region
        .assign_fixed(cfg.y_off, row, felt::from_i128(off));
    digits(rows, row, 0, y.map(|y| y as i128 + off));
    Ok(())
}

/// Assign the two base-`B` digits of `v` to digit columns `first` and `first + 1` of `row`. A
/// value outside `[0, B²)` (never produced by an honest trace) gets digits that fail the lookup.
pub fn digits(rows: &mut Rows, row: usize, first: usize, v: Option<i128>) {
    let b = 1i128 << rows.cfg.params.digit_bits;
    let cols = rows.cfg.digits;
    rows.advice(cols[first], row, v.map(|v| v.rem_euclid(b)));
    rows.advice(cols[first + 1], row, v.map(|v| v.div_euclid(b)));
}

#[cfg(test)]
mod tests {
    use super::super::rows::Rows;
    use super::super::testing::{failures, params_h, Harness};
    use super::*;

    /// One range-checked value `y` (signed: offset `H`, else offset 0) by the production
    /// assignment; `raw`, if given, then overwrites its two digits.
    fn run(h: i64, y: i64, signed: bool, raw: Option<[i64; 2]>) -> Vec<String> {
        failures(Harness::new(params_h(1, h), move |cfg, region| {
            let mut rows = Rows::new(cfg, region)?;
            let row = rows.take_row();
            rows.advice(cfg.y, row, Some(y as i128));
            check_y(&mut rows, row, Some(y), signed)?;
            if let Some(raw) = raw {
                for (i, v) in raw.into_iter().enumerate() {
                    rows.advice(cfg.digits[i], row, Some(v as i128));
                }
            }
            Ok(())
        }))
    }

    #[test]
    fn the_range_is_exact() {
        // H = 128 (2H = 2^8, even bits: B = 16) and H = 256 (odd: B = 32, digit 1 bounded)
        for h in [128i64, 256] {
            assert!(run(h, -h, true, None).is_empty(), "H = {h}: −H");
            assert!(run(h, h - 1, true, None).is_empty(), "H = {h}: H − 1");
            // H: the high digit is 2H/B, beyond the digit table (H = 128) or its bound
            let e = run(h, h, true, None);
            let which = if h == 128 {
                "Lookup digit 1("
            } else {
                "Lookup digit 1 bound("
            };
            assert!(e.iter().any(|e| e.contains(which)), "H = {h}: H: {e:?}");
            let e = run(h, -h - 1, true, None);
            assert!(
                e.iter().any(|e| e.contains("Lookup digit 1(")),
                "H = {h}: −H − 1: {e:?}"
            );
            // a Relu output (offset 0) is non-negative
            let e = run(h, -1, false, None);
            assert!(e.iter().any(|e| e.contains("Lookup digit 1(")), "{e:?}");
            assert!(run(h, 2 * h - 1, false, None).is_empty(), "H = {h}: 2H − 1");
        }
        let e = run(256, 256, true, None);
        assert!(
            e.iter().any(|e| e.contains("Lookup digit 1 bound(")),
            "{e:?}"
        );
    }

    #[test]
    fn digits_that_do_not_recompose_fail_range_y() {
        let e = run(128, 5, true, Some([0, 0]));
        assert!(e.iter().any(|e| e.contains("('range y')")), "{e:?}");
    }

    #[test]
    fn inputs_take_one_row_each_and_are_range_checked() {
        for (xs, ok) in [(vec![-128i64, 0, 127], true), (vec![3, 128], false)] {
            let e = failures(Harness::new(params_h(1, 128), move |cfg, region| {
                let mut rows = Rows::new(cfg, region)?;
                let start = rows.row;
                let cells = assign_inputs(&mut rows, xs.len(), Some(&xs))?;
                assert_eq!(cells.len(), xs.len());
                assert_eq!(
                    rows.row - start,
                    input_rows(xs.len()),
                    "rows used ≠ counted"
                );
                Ok(())
            }));
            assert_eq!(e.is_empty(), ok, "{e:?}");
        }
    }
}
