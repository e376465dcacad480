//! The range gadget: every value the circuit bounds is two base-`B` digits looked up in the
//! digit table `[0, B)` (`B = 2^digit_bits`, `B² ≥ 2H`).
//!
//! - `range y`: `q_range · (y + y_off − y_lo − B·y_hi) = 0` with `y_off` fixed: `H` for a value
//!   (`y ∈ [−H, H)`), `0` for a Relu output (`y ∈ [0, 2H)`)
//! - lookups `digit 0`, `digit 1` (`y_lo`, `y_hi`, selected by `q_range`) and `digit 2..5` (the
//!   remainder digits of the rescale, Relu and division gadgets, selected by their selectors)
//! - `digit 1 bound`: when `log2(2H)` is odd (`B² = 4H`), `y_hi + B − 2H/B ∈ [0, B)`, so that
//!   `y_hi < 2H/B` and `y + y_off ∈ [0, 2H)` exactly; with an even one the digit lookup says it.

use halo2_proofs::plonk::{
    Advice, Column, ConstraintSystem, Expression, Fixed, Selector, TableColumn,
};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

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

#[cfg(test)]
mod tests {
    use super::super::testing::{digits, failures, params_h, Harness};
    use crate::felt::{from_i128, from_i64};
    use halo2_proofs::circuit::Value;

    /// One range-checked value `y` with offset `off`, digits of `y + off` (or `raw`).
    fn run(h: i64, y: i64, off: i64, raw: Option<[i64; 2]>) -> Vec<String> {
        failures(Harness::new(params_h(1, h), move |cfg, region| {
            let db = cfg.params.digit_bits;
            cfg.range.q_range.enable(region, 0)?;
            region.assign_advice(cfg.y, 0, Value::known(from_i64(y)));
            region.assign_fixed(cfg.y_off, 0, from_i128(off as i128));
            for (i, v) in raw.unwrap_or(digits(y + off, db)).into_iter().enumerate() {
                region.assign_advice(cfg.digits[i], 0, Value::known(from_i64(v)));
            }
            Ok(())
        }))
    }

    #[test]
    fn the_range_is_exact() {
        // H = 128 (2H = 2^8, even bits: B = 16) and H = 256 (odd: B = 32, digit 1 bounded)
        for h in [128i64, 256] {
            assert!(run(h, -h, h, None).is_empty(), "H = {h}: −H");
            assert!(run(h, h - 1, h, None).is_empty(), "H = {h}: H − 1");
            // H: the high digit is 2H/B, beyond the digit table (H = 128) or its bound
            let e = run(h, h, h, None);
            let which = if h == 128 {
                "Lookup digit 1("
            } else {
                "Lookup digit 1 bound("
            };
            assert!(e.iter().any(|e| e.contains(which)), "H = {h}: H: {e:?}");
            let e = run(h, -h - 1, h, None);
            assert!(
                e.iter().any(|e| e.contains("Lookup digit 1(")),
                "H = {h}: −H − 1: {e:?}"
            );
            // a Relu output (offset 0) is non-negative
            let e = run(h, -1, 0, None);
            assert!(e.iter().any(|e| e.contains("Lookup digit 1(")), "{e:?}");
        }
        let e = run(256, 256, 256, None);
        assert!(
            e.iter().any(|e| e.contains("Lookup digit 1 bound(")),
            "{e:?}"
        );
    }

    #[test]
    fn digits_that_do_not_recompose_fail_range_y() {
        let e = run(128, 5, 128, Some([0, 0]));
        assert!(e.iter().any(|e| e.contains("('range y')")), "{e:?}");
    }
}
