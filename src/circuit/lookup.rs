//! The function-table gadget: `y = f(x)` for a tabled function, one row per element.
//!
//! Row: `a_0 = x` (a copy of the cell that made it), `acc = y`. Per function `f` a lookup
//! `function k`: `(q_f, q_f·a_0, q_f·acc) ∈ {(0, 0, 0)} ∪ {(1, x, f_q(x)) : x ∈ [lo, hi)}`, the
//! table `tables.rs` fills (its domain calibrated, `x` at the table's input scale). A selected
//! row matches only a `(1, …)` entry, so `x` lies in the domain and `y` is its value.

use halo2_proofs::circuit::Cell;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Selector, TableColumn};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use super::rows::{at, Rows, Wires};

#[derive(Clone, Debug)]
pub struct LookupConfig {
    /// one selector per function
    pub q: Vec<Selector>,
    /// `(tag, x, f(x))` per function
    pub t: Vec<[TableColumn; 3]>,
}

/// Rows of `n` elements.
pub fn rows(n: usize) -> usize {
    n
}

impl LookupConfig {
    pub fn configure(
        meta: &mut ConstraintSystem<Fr>,
        x: Column<Advice>,
        y: Column<Advice>,
        num_funcs: usize,
    ) -> Self {
        let mut q = vec![];
        let mut t = vec![];
        for k in 0..num_funcs {
            let qf = meta.complex_selector();
            let cols = [
                meta.lookup_table_column(),
                meta.lookup_table_column(),
                meta.lookup_table_column(),
            ];
            meta.lookup(format!("function {k}"), |meta| {
                let s = meta.query_selector(qf);
                let xv = meta.query_advice(x, Rotation::cur());
                let yv = meta.query_advice(y, Rotation::cur());
                vec![
                    (s.clone(), cols[0]),
                    (s.clone() * xv, cols[1]),
                    (s * yv, cols[2]),
                ]
            });
            q.push(qf);
            t.push(cols);
        }
        LookupConfig { q, t }
    }
}

/// `y = f_k(x)` for every element of `x` through function table `k`, one row each; returns
/// the `y` cells.
pub fn assign(rows: &mut Rows, k: usize, x: Wires, y: Option<&[i64]>) -> Result<Vec<Cell>, Error> {
    let cfg = rows.cfg;
    let q = *cfg.funcs.q.get(k).ok_or(Error::Synthesis)?;
    let mut out = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let row = rows.take_row();
        q.enable(rows.region, row)?;
        rows.copy_in(cfg.a[0], row, x, i);
        out.push(rows.advice(cfg.acc, row, at(y, i).map(i128::from)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::tables::FuncTable;
    use super::super::testing::{failures, over_inputs, params};
    use super::*;
    use crate::quant::Func;

    /// Sigmoid over `[-20, 30)`, input scale 3, output scale 5; the production assignment of
    /// one row `(x, y)`, `x` a range-checked model input.
    fn run(x: i64, y: i64) -> Vec<String> {
        let table = FuncTable {
            func: Func::Sigmoid,
            lo: -20,
            hi: 30,
            in_scale: 3,
            out_scale: 5,
        };
        let mut p = params(1);
        p.num_funcs = 1;
        failures(
            over_inputs(
                p,
                vec![x],
                move |rows, x| {
                    assign(rows, 0, x, Some(&[y]))?;
                    Ok(super::rows(1))
                },
                |_, _| {},
            )
            .with_tables(vec![table]),
        )
    }

    fn sig(x: i64) -> i64 {
        Func::Sigmoid.quantized_at(x, 3, 5)
    }

    #[test]
    fn honest_rows_pass_at_both_ends() {
        for x in [-20, 0, 29] {
            assert!(run(x, sig(x)).is_empty(), "x = {x}");
        }
    }

    #[test]
    fn a_wrong_value_or_an_input_outside_the_domain_fails_function_0() {
        let e = run(4, sig(4) + 1);
        assert!(e.iter().any(|e| e.contains("Lookup function 0(")), "{e:?}");
        for x in [-21, 30] {
            let e = run(x, sig(x));
            assert!(
                e.iter().any(|e| e.contains("Lookup function 0(")),
                "x = {x}: {e:?}"
            );
        }
    }
}
