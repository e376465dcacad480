//! The cursor every model gadget assigns its rows through: the region, the next free row, the
//! circuit's constant cells, and the tensors a gadget reads ([`Wires`]). A gadget's `assign`
//! takes a [`Rows`], writes its rows from `rows.row` on and leaves `rows.row` after them; the
//! scheduler (`layout.rs`) checks that it used exactly the rows its `rows` function counts.

use halo2_proofs::circuit::{Cell, Region, Value};
use halo2_proofs::plonk::{Advice, Column, Error};
use halo2curves::bn256::Fr;

use super::config::ModelConfig;
use crate::felt;

/// A tensor as a gadget reads it: the cells that hold it and, with a witness, its values.
#[derive(Clone, Copy, Debug)]
pub struct Wires<'a> {
    pub cells: &'a [Cell],
    /// `None` at key generation
    pub vals: Option<&'a [i64]>,
}

impl Wires<'_> {
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn val(&self, i: usize) -> Option<i64> {
        self.vals.map(|v| v[i])
    }
}

/// The region being laid out and its next free row.
pub struct Rows<'a, 'r> {
    pub cfg: &'a ModelConfig,
    pub region: &'a mut Region<'r, Fr>,
    /// the next free row
    pub row: usize,
    /// the constant one (row 0, column `y`)
    pub one: Cell,
    /// the constant zero (row 0, column `a_0`: Pad, Trilu), where no gate is on
    pub zero: Cell,
}

impl<'a, 'r> Rows<'a, 'r> {
    /// Row 0 holds the constants `one` and `zero` and no gate; gadgets start at row 1.
    pub fn new(cfg: &'a ModelConfig, region: &'a mut Region<'r, Fr>) -> Result<Self, Error> {
        let one = region
            .assign_advice_from_constant(|| "one", cfg.y, 0, Fr::one())?
            .cell();
        let zero = region
            .assign_advice_from_constant(|| "zero", cfg.a[0], 0, Fr::zero())?
            .cell();
        Ok(Rows {
            cfg,
            region,
            row: 1,
            one,
            zero,
        })
    }

    /// Take the next free row (the cursor moves past it).
    pub fn take_row(&mut self) -> usize {
        self.row += 1;
        self.row - 1
    }

    /// Assign `v` (unknown without a witness) to `col` at `row`.
    pub fn advice(&mut self, col: Column<Advice>, row: usize, v: Option<i128>) -> Cell {
        self.region.assign_advice(col, row, value(v)).cell()
    }

    /// Copy element `i` of `w` into `col` at `row`, tied to the cell that holds it.
    pub fn copy_in(&mut self, col: Column<Advice>, row: usize, w: Wires, i: usize) {
        let cell = self.advice(col, row, w.val(i).map(i128::from));
        self.region.constrain_equal(cell, w.cells[i]);
    }
}

/// A witness value as halo2 takes it.
pub fn value(v: Option<i128>) -> Value<Fr> {
    match v {
        Some(v) => Value::known(felt::from_i128(v)),
        None => Value::unknown(),
    }
}

/// The `i`-th value of an optional witness slice.
pub fn at(v: Option<&[i64]>, i: usize) -> Option<i64> {
    v.map(|v| v[i])
}
