//! The rescale gadget: `y = ⌊(acc + ⌊D/2⌋) / D⌋` for a dot product's sum `acc` (`D = 2^d`, or
//! a constant divisor), with a remainder proven in `[0, D)`.
//!
//! Gates (`B = 2^digit_bits`; the digits are the range gadget's, `range.rs`, looked up in
//! `[0, B)` on every row this gadget selects):
//! - `rescale`:   `q_rescale · (acc + half − y·div − r) = 0` (`div = D`, `half = ⌊D/2⌋`, fixed)
//! - `remainder`: `q_rem · (r − r_lo − B·r_hi) = 0` and `q_rem · (div − 1 − r − s_lo − B·s_hi) = 0`:
//!   `0 ≤ r < div` (the Relu gadget reuses it with `div = B²` for `y − x ≥ 0`)
//!
//! `y` itself is range-checked by the range gadget, so the division is exact: the only `(y, r)`
//! with `acc + half = y·D + r`, `0 ≤ r < D` and `y` small.

use halo2_proofs::circuit::Cell;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Expression, Fixed, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use super::range;
use super::rows::Rows;
use crate::felt;

/// The shared columns the gadget reads.
#[derive(Clone, Debug)]
pub struct RescaleColumns {
    pub acc: Column<Advice>,
    pub y: Column<Advice>,
    pub r: Column<Advice>,
    pub div: Column<Fixed>,
    pub half: Column<Fixed>,
    /// `r_lo, r_hi, s_lo, s_hi`
    pub digits: [Column<Advice>; 4],
    pub digit_bits: u32,
}

#[derive(Clone, Copy, Debug)]
pub struct RescaleConfig {
    pub q_rescale: Selector,
    /// the remainder's range (`0 ≤ r < div`), also used by Relu rows
    pub q_rem: Selector,
}

impl RescaleConfig {
    pub fn configure(meta: &mut ConstraintSystem<Fr>, c: &RescaleColumns) -> Self {
        let q_rescale = meta.complex_selector();
        let q_rem = meta.complex_selector();
        meta.create_gate("rescale", |meta| {
            let q = meta.query_selector(q_rescale);
            let acc = meta.query_advice(c.acc, Rotation::cur());
            let y = meta.query_advice(c.y, Rotation::cur());
            let r = meta.query_advice(c.r, Rotation::cur());
            let div = meta.query_fixed(c.div, Rotation::cur());
            let half = meta.query_fixed(c.half, Rotation::cur());
            vec![q * (acc + half - y * div - r)]
        });
        let base = Expression::Constant(Fr::from(1u64 << c.digit_bits));
        meta.create_gate("remainder", |meta| {
            let q = meta.query_selector(q_rem);
            let r = meta.query_advice(c.r, Rotation::cur());
            let div = meta.query_fixed(c.div, Rotation::cur());
            let d = |meta: &mut halo2_proofs::plonk::VirtualCells<Fr>, i: usize| {
                meta.query_advice(c.digits[i], Rotation::cur())
            };
            let rv = d(meta, 0) + base.clone() * d(meta, 1);
            let sv = d(meta, 2) + base.clone() * d(meta, 3);
            let one = Expression::Constant(Fr::one());
            vec![q.clone() * (r.clone() - rv), q * (div - one - r - sv)]
        });
        RescaleConfig { q_rescale, q_rem }
    }
}

/// Rescale `acc` (already in `row`'s `acc` cell) by `div` on `row`: writes `y` (range-checked),
/// `r = acc + ⌊div/2⌋ − y·div` and its remainder check; returns `y`'s cell. Adds no row.
pub fn assign(
    rows: &mut Rows,
    row: usize,
    acc: Option<i128>,
    div: i128,
    y: Option<i64>,
) -> Result<Cell, Error> {
    let cfg = rows.cfg;
    let half = div / 2;
    cfg.rescale.q_rescale.enable(rows.region, row)?;
    rows.region.assign_fixed(cfg.div, row, felt::from_i128(div));
    rows.region
        .assign_fixed(cfg.half, row, felt::from_i128(half));
    let y_cell = rows.advice(cfg.y, row, y.map(i128::from));
    let rem = acc.zip(y).map(|(acc, y)| acc + half - y as i128 * div);
    range::check_y(rows, row, y, true)?;
    remainder(rows, row, rem, div)?;
    rows.advice(cfg.r, row, rem);
    Ok(y_cell)
}

/// Constrain `0 ≤ r < div` on `row` through the digits of `r` and of `div − 1 − r` (`r`'s own
/// cell is the caller's).
pub fn remainder(rows: &mut Rows, row: usize, r: Option<i128>, div: i128) -> Result<(), Error> {
    rows.cfg.rescale.q_rem.enable(rows.region, row)?;
    range::digits(rows, row, 2, r);
    range::digits(rows, row, 4, r.map(|r| div - 1 - r));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::rows::Rows;
    use super::super::testing::{failures, params, Harness};
    use super::*;

    /// What to overwrite after the production assignment of a rescale row.
    #[derive(Clone, Copy)]
    enum Tamper {
        None,
        /// the remainder cell
        R(i64),
        /// the four remainder digits
        Digits([i64; 4]),
    }

    /// The production assignment of one rescale row: `acc` divided by `2^d`, claiming `y` (the
    /// remainder and its digits follow the claim), then `t`.
    fn run(acc: i64, d: u32, y: i64, t: Tamper) -> Vec<String> {
        failures(Harness::new(params(1), move |cfg, region| {
            let mut rows = Rows::new(cfg, region)?;
            let row = rows.take_row();
            rows.advice(cfg.acc, row, Some(acc as i128));
            assign(&mut rows, row, Some(acc as i128), 1 << d, Some(y))?;
            match t {
                Tamper::None => {}
                Tamper::R(r) => {
                    rows.advice(cfg.r, row, Some(r as i128));
                }
                Tamper::Digits(ds) => {
                    for (i, v) in ds.into_iter().enumerate() {
                        rows.advice(cfg.digits[2 + i], row, Some(v as i128));
                    }
                }
            }
            Ok(())
        }))
    }

    #[test]
    fn honest_rescale_passes() {
        // 1000 / 16: (1000 + 8) = 63·16 + 0
        assert!(run(1000, 4, 63, Tamper::None).is_empty());
        assert!(run(-1000, 4, -62, Tamper::None).is_empty());
        assert!(run(1001, 4, 63, Tamper::None).is_empty());
    }

    #[test]
    fn a_wrong_quotient_fails_rescale() {
        // y one too large with the honest remainder 0 left in place
        let e = run(1000, 4, 64, Tamper::R(0));
        assert!(e.iter().any(|e| e.contains("('rescale')")), "{e:?}");
    }

    #[test]
    fn a_remainder_outside_its_range_fails() {
        // y one too large, r = −16 to balance: r's digits cannot hold it
        let e = run(1000, 4, 64, Tamper::None);
        assert!(e.iter().any(|e| e.contains("Lookup digit 3(")), "{e:?}");
        // y one too small, r = 16 = div: the slack div − 1 − r = −1 cannot be digits
        let e = run(1000, 4, 62, Tamper::None);
        assert!(e.iter().any(|e| e.contains("Lookup digit 5(")), "{e:?}");
        // digits that do not recompose r
        let e = run(1000, 4, 63, Tamper::Digits([1, 0, 15, 0]));
        assert!(e.iter().any(|e| e.contains("('remainder')")), "{e:?}");
    }
}
