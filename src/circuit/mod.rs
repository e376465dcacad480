//! Quantized graph -> halo2 circuit.

pub mod clamp;
pub mod commit;
pub mod config;
pub mod div;
pub mod dot;
pub mod iszero;
pub mod layout;
pub mod lookup;
pub mod pack;
pub mod params;
pub mod poseidon;
pub mod range;
pub mod relu;
pub mod rescale;
pub mod rows;
pub mod tables;

pub use config::{CircuitParams, ModelConfig};

use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner};
use halo2_proofs::plonk::{Circuit, ConstraintSystem, Error};
use halo2curves::bn256::Fr;

use crate::model::Compiled;
use crate::quant::Trace;
use crate::settings::Settings;

/// The circuit of a compiled model; `trace` is the witness (absent for key generation).
#[derive(Clone)]
pub struct ModelCircuit<'a> {
    pub model: &'a Compiled,
    pub trace: Option<&'a Trace>,
    /// salts of the commitments (with the witness)
    pub salts: Option<&'a crate::publics::Salts>,
}

impl CircuitParams {
    pub fn from_settings(s: &Settings) -> Self {
        let mut p = CircuitParams {
            lanes: s.run_args.num_inner_cols,
            range_half: s.run_args.range_half(),
            digit_bits: s.run_args.digit_bits(),
            num_funcs: s.required_lookups.len(),
            commit_digits: s.commit_digits,
            commit_shape: s.commit_shape,
            param_columns: 0,
            param_rows: 0,
        };
        if s.run_args.param_visibility == crate::settings::Visibility::Committed {
            // the parameter columns add one query each: halo2's reserved rows stay the same
            let rows = (1usize << s.run_args.logrows.min(crate::settings::MAX_LOGROWS))
                .saturating_sub(reserved_rows(&p))
                .max(1);
            p.param_rows = rows;
            p.param_columns = s.total_const_size.div_ceil(rows);
        }
        p
    }
}

/// Rows halo2 reserves at the bottom of every column (blinding), plus one.
pub fn reserved_rows(params: &CircuitParams) -> usize {
    let mut cs = ConstraintSystem::<Fr>::default();
    ModelConfig::configure(&mut cs, params.clone());
    cs.blinding_factors() + 1
}

/// The constraint system alone (what a verifier rebuilds from settings).
pub fn constraint_system(params: &CircuitParams) -> ConstraintSystem<Fr> {
    let mut cs = ConstraintSystem::<Fr>::default();
    ModelConfig::configure(&mut cs, params.clone());
    cs
}

impl Circuit<Fr> for ModelCircuit<'_> {
    type Config = ModelConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = CircuitParams;

    fn without_witnesses(&self) -> Self {
        ModelCircuit {
            model: self.model,
            trace: None,
            salts: None,
        }
    }

    fn params(&self) -> CircuitParams {
        CircuitParams::from_settings(&self.model.settings)
    }

    fn configure_with_params(
        meta: &mut ConstraintSystem<Fr>,
        params: CircuitParams,
    ) -> ModelConfig {
        ModelConfig::configure(meta, params)
    }

    fn configure(_meta: &mut ConstraintSystem<Fr>) -> ModelConfig {
        unreachable!("zkonnx circuits are always configured with parameters")
    }

    fn synthesize(&self, cfg: ModelConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        let m = self.model;
        let ra = &m.settings.run_args;
        tables::load(&mut layouter, &cfg, &tables::of(m))?;
        let public_layout = crate::publics::layout(&m.settings);
        let vis = layout::Publics {
            layout: &public_layout,
            params: ra.param_visibility,
            salts: self.salts,
        };
        let public = layouter.assign_region(
            || "model",
            |mut region| {
                let (_rows, public) =
                    layout::assign(&cfg, &mut region, &m.graph, self.trace, &vis)?;
                Ok(public)
            },
        )?;
        for (i, cell) in public.into_iter().enumerate() {
            layouter.constrain_instance(cell, cfg.instance, i);
        }
        Ok(())
    }
}

/// A MockProver harness for gadget tests: the model's configuration (every gadget, as the
/// real circuit has it) with the digit table and the given function tables loaded, and the
/// rows a test assigns (through the gadgets' own `assign`, then any tampering).
#[cfg(test)]
pub(crate) mod testing {
    use std::rc::Rc;

    use halo2_proofs::circuit::{Layouter, Region, SimpleFloorPlanner};
    use halo2_proofs::dev::MockProver;
    use halo2_proofs::plonk::{Circuit, ConstraintSystem, Error};
    use halo2curves::bn256::Fr;

    use super::rows::{Rows, Wires};
    use super::tables::{self, FuncTable};
    use super::{CircuitParams, ModelConfig};

    type Assign = Rc<dyn Fn(&ModelConfig, &mut Region<'_, Fr>) -> Result<(), Error>>;

    #[derive(Clone)]
    pub struct Harness {
        params: CircuitParams,
        tables: Rc<Vec<FuncTable>>,
        rows: Assign,
    }

    impl Harness {
        pub fn new(
            params: CircuitParams,
            rows: impl Fn(&ModelConfig, &mut Region<'_, Fr>) -> Result<(), Error> + 'static,
        ) -> Self {
            Harness {
                params,
                tables: Rc::new(vec![]),
                rows: Rc::new(rows),
            }
        }

        pub fn with_tables(mut self, t: Vec<FuncTable>) -> Self {
            self.tables = Rc::new(t);
            self
        }
    }

    /// The production assignment of one gadget over model inputs `xs` (range-checked rows):
    /// `gadget` assigns from the first free row and returns the rows its count says it takes,
    /// which must be the rows it used; `tamper` then overwrites cells, given that first row.
    pub fn over_inputs(
        params: CircuitParams,
        xs: Vec<i64>,
        gadget: impl Fn(&mut Rows, Wires) -> Result<usize, Error> + 'static,
        tamper: impl Fn(&mut Rows, usize) + 'static,
    ) -> Harness {
        Harness::new(params, move |cfg, region| {
            let mut rows = Rows::new(cfg, region)?;
            let cells = super::range::assign_inputs(&mut rows, xs.len(), Some(&xs))?;
            let start = rows.row;
            let x = Wires {
                cells: &cells,
                vals: Some(&xs),
            };
            let counted = gadget(&mut rows, x)?;
            assert_eq!(rows.row - start, counted, "rows used ≠ rows counted");
            tamper(&mut rows, start);
            Ok(())
        })
    }

    /// `lanes` lanes, `H = 128` (digits of 4 bits).
    pub fn params(lanes: usize) -> CircuitParams {
        params_h(lanes, 128)
    }

    pub fn params_h(lanes: usize, h: i64) -> CircuitParams {
        let bits = (2 * h as u64).next_power_of_two().trailing_zeros();
        CircuitParams {
            lanes,
            range_half: h,
            digit_bits: bits.div_ceil(2),
            num_funcs: 0,
            commit_digits: 0,
            commit_shape: Default::default(),
            param_columns: 0,
            param_rows: 0,
        }
    }

    impl Circuit<Fr> for Harness {
        type Config = ModelConfig;
        type FloorPlanner = SimpleFloorPlanner;
        type Params = CircuitParams;

        fn without_witnesses(&self) -> Self {
            self.clone()
        }

        fn params(&self) -> CircuitParams {
            self.params.clone()
        }

        fn configure_with_params(meta: &mut ConstraintSystem<Fr>, p: CircuitParams) -> ModelConfig {
            ModelConfig::configure(meta, p)
        }

        fn configure(_meta: &mut ConstraintSystem<Fr>) -> ModelConfig {
            unreachable!("configured with parameters")
        }

        fn synthesize(&self, cfg: ModelConfig, mut ly: impl Layouter<Fr>) -> Result<(), Error> {
            tables::load(&mut ly, &cfg, &self.tables)?;
            ly.assign_region(|| "gadget", |mut region| (self.rows)(&cfg, &mut region))
        }
    }

    /// Every failure `MockProver` reports, as text (`… ('gate name') …`); empty: satisfied.
    pub fn failures(h: Harness) -> Vec<String> {
        match MockProver::run(9, &h, vec![vec![]]).unwrap().verify() {
            Ok(()) => vec![],
            Err(es) => es.iter().map(|e| e.to_string()).collect(),
        }
    }
}
