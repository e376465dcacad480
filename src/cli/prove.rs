//! Running the model and proving: `gen-witness`, `mock` and `prove`.

use std::path::PathBuf;

use clap::Args;
use zkonnx::estimate::{self, Engine, Shape};
use zkonnx::formats::Witness;
use zkonnx::pipeline;
use zkonnx::settings::CheckMode;
use zkonnx::verifier::Role;

use crate::cli::files::{compiled_file, input_file_for, key_reader, read, write};
use crate::cli::progress::Progress;
use crate::cli::verify::warn_visibility;
use crate::cli::{e, srs_err, Res};

/// `gen-witness`: the quantized model run on the input, with the public values.
#[derive(Args)]
pub(crate) struct GenWitness {
    /// the input, in ezkl's input.json format ({"input_data": [[...]]})
    #[arg(short = 'D', long, default_value = "input.json")]
    data: PathBuf,
    /// the compiled circuit (compile-circuit)
    #[arg(short = 'M', long, default_value = "model.compiled")]
    compiled_circuit: PathBuf,
    /// where the witness is written
    #[arg(short = 'O', long, default_value = "witness.json")]
    output: PathBuf,
    /// accepted for ezkl compatibility (the witness does not need the vk)
    #[arg(hide = true, short = 'V', long)]
    vk_path: Option<PathBuf>,
    /// accepted for ezkl compatibility (the witness does not need the SRS)
    #[arg(hide = true, short = 'P', long)]
    srs_path: Option<PathBuf>,
    /// salts of hashed inputs (0x…, one per input tensor, comma separated); default unsalted
    #[arg(long, value_delimiter = ',')]
    input_salt: Vec<String>,
    /// salts of hashed outputs (0x…, one per output tensor, comma separated)
    #[arg(long, value_delimiter = ',')]
    output_salt: Vec<String>,
}

impl GenWitness {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
            data,
            compiled_circuit,
            output,
            input_salt,
            output_salt,
            ..
        } = self;
        let c = compiled_file(&compiled_circuit)?;
        let mut w =
            pipeline::gen_witness(&c, &input_file_for(&data, &c.settings.model_input_names)?)
                .map_err(e)?;
        if !input_salt.is_empty() || !output_salt.is_empty() {
            w.input_salts = input_salt;
            w.output_salts = output_salt;
            pipeline::fill_commitments(&c, &mut w).map_err(e)?;
        }
        write(&output, &w.to_json())?;
        for (i, out) in w.pretty_elements.rescaled_outputs.iter().enumerate() {
            let name = c.settings.tensor_name(Role::Output, i);
            println!("{name}: [{}]", out.join(", "));
        }
        Ok(())
    }
}

/// `mock`: the witness checked against the circuit, no proof.
#[derive(Args)]
pub(crate) struct Mock {
    /// the witness (gen-witness)
    #[arg(short = 'W', long, default_value = "witness.json")]
    witness: PathBuf,
    /// the compiled circuit (compile-circuit)
    #[arg(short = 'M', long, default_value = "model.compiled")]
    model: PathBuf,
}

impl Mock {
    pub(crate) fn run(self) -> Res<()> {
        let Self { witness, model } = self;
        let w = Witness::from_json(&read(&witness)?).map_err(|err| err.to_string())?;
        pipeline::mock(&compiled_file(&model)?, &w).map_err(e)?;
        println!("mock: the witness satisfies every constraint");
        Ok(())
    }
}

/// `prove`: a proof of the witness.
#[derive(Args)]
pub(crate) struct Prove {
    /// the witness (gen-witness)
    #[arg(short = 'W', long, default_value = "witness.json")]
    witness: PathBuf,
    /// the compiled circuit (compile-circuit)
    #[arg(short = 'M', long, default_value = "model.compiled")]
    compiled_circuit: PathBuf,
    /// the proving key (setup)
    #[arg(long, default_value = "pk.key")]
    pk_path: PathBuf,
    /// where the proof is written
    #[arg(long, default_value = "proof.json")]
    proof_path: PathBuf,
    /// the SRS (gen-srs, get-srs or srs import)
    #[arg(long)]
    srs_path: PathBuf,
    /// safe (verify the proof after proving) or unsafe (default: the settings' check mode)
    #[arg(long)]
    check_mode: Option<CheckMode>,
}

impl Prove {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
            witness,
            compiled_circuit,
            pk_path,
            proof_path,
            srs_path,
            check_mode,
        } = self;
        let mut c = compiled_file(&compiled_circuit)?;
        if let Some(m) = check_mode {
            c.settings.run_args.check_mode = m;
        }
        warn_visibility(&c.settings);
        let w = Witness::from_json(&read(&witness)?).map_err(|err| err.to_string())?;
        let (mut pk, srs) = (key_reader(&pk_path, "proving key")?, read(&srs_path)?);
        let est = estimate::estimate(&Shape::of(&c.settings), Engine::current());
        let srs_s = estimate::srs_load(&srs, c.settings.run_args.logrows, Engine::current());
        let bar = Progress::start("prove", est.prove + srs_s);
        let p =
            pipeline::prove_from(&c, &w, &mut pk, &srs).map_err(|err| srs_err(&srs_path, err))?;
        bar.finish();
        write(&proof_path, &p.to_json())?;
        eprintln!("wrote {}", proof_path.display());
        Ok(())
    }
}
