//! Quantized graph -> halo2 circuit.

pub mod commit;
pub mod config;
pub mod div;
pub mod iszero;
pub mod layout;
pub mod pack;
pub mod poseidon;
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
        CircuitParams {
            lanes: s.run_args.num_inner_cols,
            range_half: s.run_args.range_half(),
            digit_bits: s.run_args.digit_bits(),
            num_funcs: s.required_lookups.len(),
            commit_digits: s.commit_digits,
        }
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
