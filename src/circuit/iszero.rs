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

use halo2_proofs::circuit::Cell;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Expression, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use super::rows::{at, Rows, Wires};

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

/// `z = [x = 0]` for every element of `x`, one row each (`a_0 = x`, `b_0 = w`, `y = z`);
/// returns the `z` cells.
pub fn assign(rows: &mut Rows, x: Wires, z: Option<&[i64]>) -> Result<Vec<Cell>, Error> {
    let cfg = rows.cfg;
    let mut out = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let row = rows.take_row();
        cfg.is_zero.q.enable(rows.region, row)?;
        rows.copy_in(cfg.a[0], row, x, i);
        let w = x.val(i).map(|v| witness(crate::felt::from_i64(v)));
        rows.region.assign_advice(
            cfg.b[0],
            row,
            w.map_or(
                halo2_proofs::circuit::Value::unknown(),
                halo2_proofs::circuit::Value::known,
            ),
        );
        out.push(rows.advice(cfg.y, row, at(z, i).map(i128::from)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{failures, over_inputs, params};
    use super::*;

    /// The production assignment of rows `(x, z claimed)` over model inputs `x`; then each
    /// row's witness `w` overwritten where one is given.
    fn run(rows_in: Vec<(i64, i64, Option<i64>)>) -> Vec<String> {
        let xs: Vec<i64> = rows_in.iter().map(|r| r.0).collect();
        let zs: Vec<i64> = rows_in.iter().map(|r| r.1).collect();
        let ws: Vec<Option<i64>> = rows_in.iter().map(|r| r.2).collect();
        failures(over_inputs(
            params(1),
            xs,
            move |rows, x| {
                assign(rows, x, Some(&zs))?;
                Ok(super::rows(zs.len()))
            },
            move |rows, start| {
                for (i, w) in ws.iter().enumerate() {
                    if let Some(w) = w {
                        rows.advice(rows.cfg.b[0], start + i, Some(*w as i128));
                    }
                }
            },
        ))
    }

    fn names_is_zero(errs: &[String]) -> bool {
        errs.iter().any(|e| e.contains("('is_zero')"))
    }

    #[test]
    fn honest_rows_pass() {
        let e = run(vec![(0, 1, None), (5, 0, None), (-3, 0, None)]);
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn every_wrong_claim_fails_is_zero() {
        // a zero called non-zero, whatever w; a non-zero called zero, or anything but 0/1
        for w in [0, 1, 7] {
            assert!(names_is_zero(&run(vec![(0, 0, Some(w))])));
        }
        assert!(names_is_zero(&run(vec![(5, 1, None)])));
        assert!(names_is_zero(&run(vec![(5, 1, Some(0))])));
        assert!(names_is_zero(&run(vec![(5, 2, None)])));
        assert!(names_is_zero(&run(vec![(0, 2, Some(0))])));
    }
}
