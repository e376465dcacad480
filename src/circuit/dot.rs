//! The dot-product gadget: an output's `Σ a·b` over `⌈terms/lanes⌉` rows, `L` products per row,
//! accumulated in `acc` (the rescale gadget, `rescale.rs`, divides the last row's `acc`).
//!
//! Gates (`L` lanes):
//! - `dot_first`: `q_first · (acc − Σ_j a_j·b_j) = 0` (an output's first row)
//! - `dot_next`:  `q_next · (acc − acc_prev − Σ_j a_j·b_j) = 0` (its later rows)
//! - `b_fixed` (one per lane): `m_j · (b_j − f_j) = 0`: a right factor that is a constant of the
//!   circuit (a coefficient, a `fixed` weight) equals the fixed column `f_j` wherever `m_j = 1`.

use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

/// The shared columns the gadget reads.
#[derive(Clone, Debug)]
pub struct DotColumns {
    pub a: Vec<Column<Advice>>,
    pub b: Vec<Column<Advice>>,
    pub acc: Column<Advice>,
    pub f: Vec<Column<Fixed>>,
    pub m: Vec<Column<Fixed>>,
}

#[derive(Clone, Copy, Debug)]
pub struct DotConfig {
    pub q_first: Selector,
    pub q_next: Selector,
}

/// Rows of one output of `terms` products with `lanes` per row.
pub fn rows(terms: usize, lanes: usize) -> usize {
    terms.div_ceil(lanes.max(1)).max(1)
}

impl DotConfig {
    pub fn configure(meta: &mut ConstraintSystem<Fr>, c: &DotColumns) -> Self {
        let q_first = meta.selector();
        let q_next = meta.selector();
        let products = |meta: &mut halo2_proofs::plonk::VirtualCells<Fr>| -> Expression<Fr> {
            c.a.iter()
                .zip(&c.b)
                .map(|(&a, &b)| {
                    meta.query_advice(a, Rotation::cur()) * meta.query_advice(b, Rotation::cur())
                })
                .reduce(|x, y| x + y)
                .unwrap_or(Expression::Constant(Fr::zero()))
        };
        meta.create_gate("dot_first", |meta| {
            let q = meta.query_selector(q_first);
            let acc = meta.query_advice(c.acc, Rotation::cur());
            vec![q * (acc - products(meta))]
        });
        meta.create_gate("dot_next", |meta| {
            let q = meta.query_selector(q_next);
            let acc = meta.query_advice(c.acc, Rotation::cur());
            let prev = meta.query_advice(c.acc, Rotation::prev());
            vec![q * (acc - prev - products(meta))]
        });
        for j in 0..c.b.len() {
            meta.create_gate("b_fixed", |meta| {
                let mj = meta.query_fixed(c.m[j], Rotation::cur());
                let fj = meta.query_fixed(c.f[j], Rotation::cur());
                let bj = meta.query_advice(c.b[j], Rotation::cur());
                vec![mj * (bj - fj)]
            });
        }
        DotConfig { q_first, q_next }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{failures, params, Harness};
    use crate::felt::from_i64;
    use halo2_proofs::circuit::Value;

    /// Two rows of one output, two lanes: `acc_0 = a·b` of row 0, `acc_1 = acc_0 + a·b` of
    /// row 1; `fixed_b` puts row 1's lane-1 factor in the fixed column too (`m = 1`).
    fn run(acc0: i64, acc1: i64, fixed_b: Option<i64>) -> Vec<String> {
        failures(Harness::new(params(2), move |cfg, region| {
            let rows = [[(2, 3), (4, 5)], [(1, -1), (6, 7)]];
            let sums = [acc0, acc1];
            for (row, lanes) in rows.iter().enumerate() {
                if row == 0 {
                    cfg.dot.q_first.enable(region, row)?;
                } else {
                    cfg.dot.q_next.enable(region, row)?;
                }
                for (j, &(a, b)) in lanes.iter().enumerate() {
                    region.assign_advice(cfg.a[j], row, Value::known(from_i64(a)));
                    region.assign_advice(cfg.b[j], row, Value::known(from_i64(b)));
                }
                region.assign_advice(cfg.acc, row, Value::known(from_i64(sums[row])));
            }
            if let Some(f) = fixed_b {
                region.assign_fixed(cfg.m[1], 1, from_i64(1));
                region.assign_fixed(cfg.f[1], 1, from_i64(f));
            }
            Ok(())
        }))
    }

    #[test]
    fn honest_rows_pass() {
        assert!(run(26, 67, Some(7)).is_empty());
    }

    #[test]
    fn a_wrong_sum_fails_its_gate() {
        let e = run(27, 68, None);
        assert!(e.iter().any(|e| e.contains("('dot_first')")), "{e:?}");
        let e = run(26, 66, None);
        assert!(e.iter().any(|e| e.contains("('dot_next')")), "{e:?}");
        assert!(!e.iter().any(|e| e.contains("('dot_first')")), "{e:?}");
    }

    #[test]
    fn a_factor_other_than_the_fixed_one_fails_b_fixed() {
        let e = run(26, 67, Some(8));
        assert!(e.iter().any(|e| e.contains("('b_fixed')")), "{e:?}");
    }
}
