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

use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

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

#[cfg(test)]
mod tests {
    use super::super::testing::{digits, failures, params, Harness};
    use crate::felt::from_i64;
    use halo2_proofs::circuit::Value;

    /// One rescale row: `acc` divided by `2^d`, claiming `(y, r)`; digits of `r` and of the slack
    /// `div − 1 − r` as an honest prover would write them (so only the claim can be wrong),
    /// unless `raw_digits` overrides them.
    fn run(acc: i64, d: u32, y: i64, r: i64, raw_digits: Option<[i64; 4]>) -> Vec<String> {
        failures(Harness::new(params(1), move |cfg, region| {
            let db = cfg.params.digit_bits;
            let div = 1i64 << d;
            cfg.rescale.q_rescale.enable(region, 0)?;
            cfg.rescale.q_rem.enable(region, 0)?;
            region.assign_advice(cfg.acc, 0, Value::known(from_i64(acc)));
            region.assign_advice(cfg.y, 0, Value::known(from_i64(y)));
            region.assign_advice(cfg.r, 0, Value::known(from_i64(r)));
            region.assign_fixed(cfg.div, 0, from_i64(div));
            region.assign_fixed(cfg.half, 0, from_i64(div / 2));
            let [a, b] = digits(r, db);
            let [c, e] = digits(div - 1 - r, db);
            for (i, v) in raw_digits.unwrap_or([a, b, c, e]).into_iter().enumerate() {
                region.assign_advice(cfg.digits[2 + i], 0, Value::known(from_i64(v)));
            }
            Ok(())
        }))
    }

    #[test]
    fn honest_rescale_passes() {
        // 1000 / 16: (1000 + 8) = 63·16 + 0
        assert!(run(1000, 4, 63, 0, None).is_empty());
        assert!(run(-1000, 4, -62, 0, None).is_empty());
        assert!(run(1001, 4, 63, 1, None).is_empty());
    }

    #[test]
    fn a_wrong_quotient_fails_rescale() {
        let e = run(1000, 4, 64, 0, None);
        assert!(e.iter().any(|e| e.contains("('rescale')")), "{e:?}");
    }

    #[test]
    fn a_remainder_outside_its_range_fails() {
        // y one too large, r = −16 to balance: r's digits cannot hold it
        let e = run(1000, 4, 64, -16, None);
        assert!(e.iter().any(|e| e.contains("Lookup digit 3(")), "{e:?}");
        // y one too small, r = 16 = div: the slack div − 1 − r = −1 cannot be digits
        let e = run(1000, 4, 62, 16, None);
        assert!(e.iter().any(|e| e.contains("Lookup digit 5(")), "{e:?}");
        // digits that do not recompose r
        let e = run(1000, 4, 63, 0, Some([1, 0, 15, 0]));
        assert!(e.iter().any(|e| e.contains("('remainder')")), "{e:?}");
    }
}
