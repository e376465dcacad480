//! Committed params' parameter columns ([docs/committed-params.md](../../docs/committed-params.md)):
//! every parameter of the model, in `q.params` order, one per row down `param_columns` advice
//! columns (`param_rows` rows each: halo2's usable rows), each tied by a copy constraint to the
//! cell the model uses it from (its first use; every later use is tied to that one,
//! `dot::Weights`). Outside the circuit, each column is linked to its published commitment
//! ([`crate::kzg::link`]): these columns are what the published commitments bind.
//!
//! Columns: `param_columns` advice columns with equality. Gates: none (a wrong value fails the
//! permutation argument). Rows: none of the model's; the columns run beside them.

use std::collections::HashMap;

use halo2_proofs::circuit::Cell;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error};
use halo2curves::bn256::Fr;

use super::rows::Rows;
use crate::quant::QGraph;

/// `n` parameter columns, each with equality.
pub fn configure(meta: &mut ConstraintSystem<Fr>, n: usize) -> Vec<Column<Advice>> {
    (0..n)
        .map(|_| {
            let c = meta.advice_column();
            meta.enable_equality(c);
            c
        })
        .collect()
}

/// Where parameter `i` (in `q.params` order, flattened) sits: `(column, row)`.
pub fn place(i: usize, rows: usize) -> (usize, usize) {
    (i / rows, i % rows)
}

/// Assign every parameter to its cell and tie it to its first use (`home`); a parameter the
/// model never reads is assigned (and so committed) all the same.
pub fn assign(
    rows: &mut Rows,
    q: &QGraph,
    home: &HashMap<(usize, usize), Cell>,
    known: bool,
) -> Result<(), Error> {
    let cols = rows.cfg.param_cols.clone();
    let per = rows.cfg.params.param_rows;
    if cols.is_empty() {
        return Ok(());
    }
    let mut i = 0;
    for (id, p) in q.params.iter().enumerate() {
        for (idx, &v) in p.values.iter().enumerate() {
            let (c, row) = place(i, per);
            let col = *cols.get(c).ok_or(Error::Synthesis)?;
            let cell = rows.advice(col, row, known.then_some(i128::from(v)));
            if let Some(&h) = home.get(&(id, idx)) {
                rows.region.constrain_equal(cell, h);
            }
            i += 1;
        }
    }
    Ok(())
}

/// Every parameter column's values as published, in row order (`n` rows each): the
/// parameters where [`place`] puts them, zero on the other usable rows, and on halo2's
/// `reserved` rows at the end the salt's values ([`salt_value`], keyed by the weights and `n`).
pub fn published(
    q: &QGraph,
    columns: usize,
    per: usize,
    n: usize,
    reserved: usize,
    salt: Fr,
) -> Vec<Vec<Fr>> {
    let mut out = vec![vec![Fr::zero(); n]; columns];
    let mut weights = crate::verifier::blake2b::Blake2b256::new(b"zkonnx weights");
    for (i, &v) in q.params.iter().flat_map(|p| p.values.iter()).enumerate() {
        let (c, row) = place(i, per);
        out[c][row] = crate::felt::from_i128(i128::from(v));
        weights.update(&v.to_le_bytes());
    }
    let weights = weights.finalize();
    for (c, col) in out.iter_mut().enumerate() {
        for (j, cell) in col[n - reserved..].iter_mut().enumerate() {
            *cell = salt_value(salt, &weights, n, c, j);
        }
    }
    out
}

/// The published value of column `c`'s `j`-th reserved row: 64 bytes of BLAKE2b-256 (two
/// hashes) of the params salt, the weights' digest, the rows `n`, `c` and `j`, reduced mod r.
/// The salt is secret, so these rows hide the column; the weights and `n` in the key make
/// another model (or the same one at another size) under the same salt get independent
/// values: published commitments of two weight sets never differ by an unsalted commitment
/// of their difference.
pub fn salt_value(salt: Fr, weights: &[u8; 32], n: usize, c: usize, j: usize) -> Fr {
    use halo2curves::ff::{FromUniformBytes, PrimeField};
    let mut data = salt.to_repr().as_ref().to_vec();
    data.extend_from_slice(weights);
    for v in [n, c, j] {
        data.extend_from_slice(&(v as u64).to_le_bytes());
    }
    let mut wide = [0u8; 64];
    for (half, tag) in [(0, 0u8), (1, 1u8)] {
        data.push(tag);
        wide[32 * half..32 * half + 32]
            .copy_from_slice(&crate::verifier::blake2b::hash(b"zkonnx salt row", &data));
        data.pop();
    }
    Fr::from_uniform_bytes(&wide)
}

/// The advice column indices of the parameter columns, in order.
pub fn column_indices(p: &super::CircuitParams) -> Vec<u32> {
    let mut cs = ConstraintSystem::<Fr>::default();
    super::ModelConfig::configure(&mut cs, p.clone())
        .param_cols
        .iter()
        .map(|c| c.index() as u32)
        .collect()
}

/// Every parameter column's published commitment ([`published`] committed in the SRS's
/// Lagrange basis).
pub fn commitments(
    q: &QGraph,
    p: &super::CircuitParams,
    salt: Fr,
    srs: &crate::kzg::ProverParams,
) -> Vec<halo2curves::bn256::G1Affine> {
    use halo2_proofs::poly::commitment::Params;
    let n = srs.n() as usize;
    let reserved = super::reserved_rows(p);
    published(q, p.param_columns, p.param_rows, n, reserved, salt)
        .iter()
        .map(|w| crate::kzg::link::commit_values(srs, w))
        .collect()
}
