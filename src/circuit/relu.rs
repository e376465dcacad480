//! The Relu gadget: `y = max(x, 0)` exactly, one row per element, no table.
//!
//! Row: `a_0 = x` (a copy of the cell that made it), `y`, `r = y − x`. Gate:
//! - `relu`: `q_relu · y·(y − a_0) = 0` and `q_relu · (r − (y − a_0)) = 0`
//!
//! with `y ≥ 0` by the range gadget (offset 0: `y ∈ [0, 2H)`) and `r ≥ 0` by the rescale
//! gadget's `remainder` gate with `div = B²` (`r ∈ [0, B²)`). So `y ∈ {0, x}`, `y ≥ x`, `y ≥ 0`:
//! `y = max(x, 0)`.

use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

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

#[cfg(test)]
mod tests {
    use super::super::testing::{digits, failures, params, Harness};
    use crate::felt::{from_i128, from_i64};
    use halo2_proofs::circuit::Value;

    /// One Relu row of input `x` claiming `y`, with every check an honest prover writes:
    /// range of `y` (offset 0) and remainder `r = y − x` against `B²`; `r` may be overridden.
    fn run(x: i64, y: i64, r: Option<i64>) -> Vec<String> {
        failures(Harness::new(params(1), move |cfg, region| {
            let db = cfg.params.digit_bits;
            let b2 = 1i64 << (2 * db);
            let r = r.unwrap_or(y - x);
            cfg.relu.q.enable(region, 0)?;
            cfg.range.q_range.enable(region, 0)?;
            cfg.rescale.q_rem.enable(region, 0)?;
            region.assign_advice(cfg.a[0], 0, Value::known(from_i64(x)));
            region.assign_advice(cfg.y, 0, Value::known(from_i64(y)));
            region.assign_advice(cfg.r, 0, Value::known(from_i64(r)));
            region.assign_fixed(cfg.div, 0, from_i128(b2 as i128));
            region.assign_fixed(cfg.y_off, 0, from_i64(0));
            let ds = [digits(y, db), digits(r, db), digits(b2 - 1 - r, db)].concat();
            for (i, v) in ds.into_iter().enumerate() {
                region.assign_advice(cfg.digits[i], 0, Value::known(from_i64(v)));
            }
            Ok(())
        }))
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
