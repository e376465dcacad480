//! Columns, gates and lookups. A function of [`CircuitParams`] alone (derived from settings),
//! never of weights or tract, so a verifier can rebuild the constraint system from settings.
//!
//! Layout of one row (L = lanes):
//! ```text
//!  a_0..a_{L-1} | b_0..b_{L-1} | acc | y | r || f_0..f_{L-1} m_0..m_{L-1} div half const || selectors
//! ```
//! Gates:
//! - `dot_first`: `q_first · (acc − Σ a_j·b_j) = 0`
//! - `dot_next`:  `q_next · (acc − acc_prev − Σ a_j·b_j) = 0`
//! - `rescale`:   `q_rescale · (acc + half − y·div − r) = 0`, with `div = 2^d`, `half = ⌊div/2⌋`
//! - `b_fixed_j`: `m_j · (b_j − f_j) = 0` (constants and fixed weights)
//!
//! Lookups (table `T = [-H, H)`):
//! - `q_range · y ∈ T`
//! - `q_rescale · (r − H) ∈ T` and `q_rescale · (r + H − div) ∈ T`, i.e. `0 ≤ r < div`
//! - per function f: `(q_f, q_f·a_0, q_f·acc) ∈ {(0,0,0)} ∪ {(1, x, f_q(x)) : x ∈ T}`

use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed, Instance, Selector, TableColumn};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use crate::felt;

/// What the constraint system depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CircuitParams {
    /// Product lanes per row.
    pub lanes: usize,
    /// Lookup range `[-H, H)`.
    pub range_half: i64,
    /// Number of function tables.
    pub num_funcs: usize,
}

#[derive(Clone, Debug)]
pub struct ModelConfig {
    pub a: Vec<Column<Advice>>,
    pub b: Vec<Column<Advice>>,
    pub acc: Column<Advice>,
    pub y: Column<Advice>,
    pub r: Column<Advice>,
    pub f: Vec<Column<Fixed>>,
    pub m: Vec<Column<Fixed>>,
    pub div: Column<Fixed>,
    pub half: Column<Fixed>,
    pub q_first: Selector,
    pub q_next: Selector,
    pub q_rescale: Selector,
    pub q_range: Selector,
    pub q_func: Vec<Selector>,
    pub t_range: TableColumn,
    /// (tag, x, f(x)) per function.
    pub t_func: Vec<[TableColumn; 3]>,
    pub instance: Column<Instance>,
    pub params: CircuitParams,
}

impl ModelConfig {
    pub fn configure(meta: &mut ConstraintSystem<Fr>, params: CircuitParams) -> Self {
        let lanes = params.lanes.max(1);
        let a: Vec<_> = (0..lanes).map(|_| meta.advice_column()).collect();
        let b: Vec<_> = (0..lanes).map(|_| meta.advice_column()).collect();
        let acc = meta.advice_column();
        let y = meta.advice_column();
        let r = meta.advice_column();
        for c in a.iter().chain(&b).chain([&acc, &y]) {
            meta.enable_equality(*c);
        }
        let instance = meta.instance_column();
        meta.enable_equality(instance);
        let f: Vec<_> = (0..lanes).map(|_| meta.fixed_column()).collect();
        let m: Vec<_> = (0..lanes).map(|_| meta.fixed_column()).collect();
        let div = meta.fixed_column();
        let half = meta.fixed_column();
        let constants = meta.fixed_column();
        meta.enable_constant(constants);

        let q_first = meta.selector();
        let q_next = meta.selector();
        let q_rescale = meta.complex_selector();
        let q_range = meta.complex_selector();
        let q_func: Vec<_> = (0..params.num_funcs).map(|_| meta.complex_selector()).collect();

        let products = |meta: &mut halo2_proofs::plonk::VirtualCells<Fr>| -> Expression<Fr> {
            (0..lanes)
                .map(|j| meta.query_advice(a[j], Rotation::cur()) * meta.query_advice(b[j], Rotation::cur()))
                .reduce(|x, y| x + y)
                .unwrap()
        };
        meta.create_gate("dot_first", |meta| {
            let q = meta.query_selector(q_first);
            let acc_cur = meta.query_advice(acc, Rotation::cur());
            vec![q * (acc_cur - products(meta))]
        });
        meta.create_gate("dot_next", |meta| {
            let q = meta.query_selector(q_next);
            let acc_cur = meta.query_advice(acc, Rotation::cur());
            let acc_prev = meta.query_advice(acc, Rotation::prev());
            vec![q * (acc_cur - acc_prev - products(meta))]
        });
        meta.create_gate("rescale", |meta| {
            let q = meta.query_selector(q_rescale);
            let acc = meta.query_advice(acc, Rotation::cur());
            let y = meta.query_advice(y, Rotation::cur());
            let r = meta.query_advice(r, Rotation::cur());
            let div = meta.query_fixed(div, Rotation::cur());
            let half = meta.query_fixed(half, Rotation::cur());
            vec![q * (acc + half - y * div - r)]
        });
        for j in 0..lanes {
            meta.create_gate("b_fixed", |meta| {
                let mj = meta.query_fixed(m[j], Rotation::cur());
                let fj = meta.query_fixed(f[j], Rotation::cur());
                let bj = meta.query_advice(b[j], Rotation::cur());
                vec![mj * (bj - fj)]
            });
        }

        let h = params.range_half.max(1);
        let t_range = meta.lookup_table_column();
        meta.lookup("range y", |meta| {
            let q = meta.query_selector(q_range);
            let y = meta.query_advice(y, Rotation::cur());
            vec![(q * y, t_range)]
        });
        let hh = Expression::Constant(felt::from_i64(h));
        meta.lookup("remainder >= 0", |meta| {
            let q = meta.query_selector(q_rescale);
            let r = meta.query_advice(r, Rotation::cur());
            vec![(q * (r - hh.clone()), t_range)]
        });
        meta.lookup("remainder < div", |meta| {
            let q = meta.query_selector(q_rescale);
            let r = meta.query_advice(r, Rotation::cur());
            let div = meta.query_fixed(div, Rotation::cur());
            vec![(q * (r + hh.clone() - div), t_range)]
        });
        let mut t_func = vec![];
        for (k, &qf) in q_func.iter().enumerate() {
            let cols = [meta.lookup_table_column(), meta.lookup_table_column(), meta.lookup_table_column()];
            meta.lookup(format!("function {k}"), |meta| {
                let q = meta.query_selector(qf);
                let x = meta.query_advice(a[0], Rotation::cur());
                let fx = meta.query_advice(acc, Rotation::cur());
                vec![(q.clone(), cols[0]), (q.clone() * x, cols[1]), (q * fx, cols[2])]
            });
            t_func.push(cols);
        }
        ModelConfig {
            a,
            b,
            acc,
            y,
            r,
            f,
            m,
            div,
            half,
            q_first,
            q_next,
            q_rescale,
            q_range,
            q_func,
            t_range,
            t_func,
            instance,
            params: CircuitParams { lanes, ..params },
        }
    }
}
