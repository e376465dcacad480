//! The is-zero gadget: `z = [x = 0]` for an activation `x`, one row per element (ArgMax's
//! "which elements equal the maximum").
//!
//! Row: `a_0 = x` (a copy of the cell that produced it), `b_0 = w` (a free witness: `1/x`, or
//! anything when `x = 0`), `y = z`. Gate `is_zero`:
//! - `q · (x·w − 1 + z) = 0`
//! - `q · (x·z) = 0`
//!
//! If `x ≠ 0` the second forces `z = 0`; if `x = 0` the first forces `z = 1`. So `z` is 0 or
//! 1 and equals `[x = 0]` for every witness, with no range check.

use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

#[derive(Clone, Copy, Debug)]
pub struct IsZeroConfig {
    pub q: Selector,
}

/// The shared columns the gadget reads: `x`, the witness `w`, the output `z`.
#[derive(Clone, Copy, Debug)]
pub struct IsZeroColumns {
    pub x: Column<Advice>,
    pub w: Column<Advice>,
    pub z: Column<Advice>,
}

impl IsZeroConfig {
    pub fn configure(meta: &mut ConstraintSystem<Fr>, c: IsZeroColumns) -> Self {
        let q = meta.selector();
        meta.create_gate("is_zero", |meta| {
            let s = meta.query_selector(q);
            let x = meta.query_advice(c.x, Rotation::cur());
            let w = meta.query_advice(c.w, Rotation::cur());
            let z = meta.query_advice(c.z, Rotation::cur());
            let one = Expression::Constant(Fr::one());
            vec![s.clone() * (x.clone() * w - one + z.clone()), s * (x * z)]
        });
        IsZeroConfig { q }
    }
}

/// Rows: one per element.
pub fn rows(elements: usize) -> usize {
    elements
}

/// The witness `w` for `x`: its inverse (0 for 0).
pub fn witness(x: Fr) -> Fr {
    Option::from(x.invert()).unwrap_or(Fr::zero())
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner, Value};
    use halo2_proofs::dev::{MockProver, VerifyFailure};
    use halo2_proofs::plonk::{Circuit, Error};

    #[derive(Clone)]
    struct T {
        /// (x, z claimed, w override)
        rows: Vec<(i64, i64, Option<i64>)>,
    }

    impl Circuit<Fr> for T {
        type Config = (IsZeroConfig, IsZeroColumns);
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();
        fn without_witnesses(&self) -> Self {
            self.clone()
        }
        fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
            let c = IsZeroColumns {
                x: meta.advice_column(),
                w: meta.advice_column(),
                z: meta.advice_column(),
            };
            (IsZeroConfig::configure(meta, c), c)
        }
        fn synthesize(
            &self,
            (cfg, c): Self::Config,
            mut ly: impl Layouter<Fr>,
        ) -> Result<(), Error> {
            ly.assign_region(
                || "is_zero",
                |mut region| {
                    for (row, &(x, z, w)) in self.rows.iter().enumerate() {
                        cfg.q.enable(&mut region, row)?;
                        let xf = crate::felt::from_i64(x);
                        let wf = w.map_or(witness(xf), crate::felt::from_i64);
                        region.assign_advice(c.x, row, Value::known(xf));
                        region.assign_advice(c.w, row, Value::known(wf));
                        region.assign_advice(c.z, row, Value::known(crate::felt::from_i64(z)));
                    }
                    Ok(())
                },
            )
        }
    }

    fn run(rows: Vec<(i64, i64, Option<i64>)>) -> Result<(), Vec<VerifyFailure>> {
        MockProver::run(4, &T { rows }, vec![]).unwrap().verify()
    }

    fn names_is_zero(errs: &[VerifyFailure]) -> bool {
        errs.iter().any(|e| e.to_string().contains("('is_zero')"))
    }

    #[test]
    fn honest_rows_pass() {
        run(vec![(0, 1, None), (5, 0, None), (-3, 0, None)]).unwrap();
    }

    #[test]
    fn every_wrong_claim_fails_is_zero() {
        // a zero called non-zero, whatever w; a non-zero called zero, or anything but 0/1
        for w in [0, 1, 7] {
            assert!(names_is_zero(&run(vec![(0, 0, Some(w))]).unwrap_err()));
        }
        assert!(names_is_zero(&run(vec![(5, 1, None)]).unwrap_err()));
        assert!(names_is_zero(&run(vec![(5, 1, Some(0))]).unwrap_err()));
        assert!(names_is_zero(&run(vec![(5, 2, None)]).unwrap_err()));
        assert!(names_is_zero(&run(vec![(0, 2, Some(0))]).unwrap_err()));
    }
}
