//! The on-chain commands, in ezkl's names and flags: `create-evm-verifier`, `create-evm-vka`,
//! `deploy-evm`, `register-vka`, `encode-evm-calldata`, `verify-evm`. zkonnx's design
//! (`zkonnx::evm`): ONE reusable verifier contract per chain (its Solidity source is what
//! `create-evm-verifier` writes; its bytecode ships inside zkonnx, so deploying needs no
//! compiler) and, per model, a contract holding the model's verifying-key artifact (`.vka`,
//! with its compiled constraint program) behind an 87-byte stub; the model's contract is the
//! address dApps call with `verifyProof(bytes proof, uint256[] instances)`.

use clap::Args;
use std::path::{Path, PathBuf};
use zkonnx::evm::rpc::{self, Key, Rpc};
use zkonnx::evm::{artifact, calldata, contract};
use zkonnx::formats::Proof;
use zkonnx::verifier::{self, Bundle};

use crate::cli::files::{read, write};
use crate::cli::Res;

/// Where the model's keys come from: the verification bundle, or ezkl's vk + SRS + settings.
#[derive(Args)]
pub struct KeysArgs {
    /// the verification bundle (setup writes it); used when it exists, else vk + SRS + settings
    #[arg(long, default_value = "verifier.bundle")]
    bundle_path: PathBuf,
    /// the verifying key (setup), with --srs-path and --settings-path when there is no bundle
    #[arg(long, default_value = "vk.key")]
    vk_path: PathBuf,
    /// the SRS the keys were made with (when there is no bundle)
    #[arg(long, default_value = "kzg.srs")]
    srs_path: PathBuf,
    /// the settings the keys were made with (when there is no bundle)
    #[arg(short = 'S', long, default_value = "settings.json")]
    settings_path: PathBuf,
}

impl KeysArgs {
    fn bundle(&self) -> Res<Bundle> {
        let bytes = if self.bundle_path.exists() {
            read(&self.bundle_path)?
        } else {
            let settings = zkonnx::settings::Settings::from_json(&read(&self.settings_path)?)
                .map_err(|e| format!("{}: {e}", self.settings_path.display()))?;
            zkonnx::pipeline::bundle(&read(&self.vk_path)?, &read(&self.srs_path)?, &settings)
                .map_err(|e| e.to_string())?
        };
        Bundle::from_bytes(&bytes).map_err(|e| format!("{}: {e}", self.bundle_path.display()))
    }

    fn artifact(&self) -> Res<Vec<u8>> {
        let b = self.bundle()?;
        let art = artifact::build(&b).map_err(|e| e.to_string())?;
        let terms = artifact::msm_terms(&b);
        println!(
            "opening MSM      {terms} terms (an ecMul and an ecAdd each on chain: {:.2} M gas of \
             precompiles; a narrower circuit, `e2e -N 1,2` or `calibrate-settings --lanes 1,2`, \
             has fewer)",
            (terms * 6150) as f64 / 1e6
        );
        println!(
            "constraints      {}",
            if artifact::code_offset(&art).is_some() {
                "compiled to EVM code in the model's contract"
            } else {
                "interpreted by the verifier (compiled, the model's contract would exceed EIP-170's limit)"
            }
        );
        let size = contract::STUB_LEN + art.len();
        if size > contract::MAX_CODE {
            return Err(format!(
                "the model's verifier contract would be {size} bytes, over EIP-170's {} (the \
                 artifact grows with the circuit's gates): a narrower circuit (fewer lanes, \
                 -N) makes a smaller one",
                contract::MAX_CODE
            ));
        }
        Ok(art)
    }
}

/// `create-evm-verifier`: the reusable verifier's Solidity source and ABI, and the model's
/// verifying-key artifact beside them.
#[derive(Args)]
pub struct CreateVerifier {
    #[command(flatten)]
    keys: KeysArgs,
    /// the verifier's Solidity source (zkonnx's reusable verifier; deploy-evm deploys the
    /// bytecode zkonnx ships for it, no compiler needed)
    #[arg(long, default_value = "evm_deploy.sol")]
    sol_code_path: PathBuf,
    /// the verifier's ABI (JSON); model contracts share it
    #[arg(long, default_value = "verifier_abi.json")]
    abi_path: PathBuf,
    /// the model's verifying-key artifact (default: the source's path with `.vka`)
    #[arg(long)]
    vka_path: Option<PathBuf>,
    /// accepted for ezkl compatibility: zkonnx's verifier is always the reusable one
    #[arg(hide = true, long)]
    reusable: bool,
}

fn vka_beside(sol: &Path, vka: &Option<PathBuf>) -> PathBuf {
    vka.clone().unwrap_or_else(|| sol.with_extension("vka"))
}

impl CreateVerifier {
    pub fn run(self) -> Res<()> {
        let art = self.keys.artifact()?;
        let vka = vka_beside(&self.sol_code_path, &self.vka_path);
        write(&self.sol_code_path, contract::VERIFIER_SOL.as_bytes())?;
        write(&self.abi_path, contract::VERIFIER_ABI.as_bytes())?;
        write(&vka, &art)?;
        println!(
            "verifier source  {} (zkonnx's reusable verifier: deploy it once per chain)",
            self.sol_code_path.display()
        );
        println!("abi              {}", self.abi_path.display());
        println!(
            "model artifact   {} ({} bytes; its contract: {} of EIP-170's {})",
            vka.display(),
            art.len(),
            contract::STUB_LEN + art.len(),
            contract::MAX_CODE
        );
        println!(
            "next: zkonnx deploy-evm --sol-code-path {} --rpc-url URL --private-key KEY",
            self.sol_code_path.display()
        );
        Ok(())
    }
}

/// `create-evm-vka`: the model's verifying-key artifact alone.
#[derive(Args)]
pub struct CreateVka {
    #[command(flatten)]
    keys: KeysArgs,
    /// where the model's verifying-key artifact goes
    #[arg(long, default_value = "vk.vka")]
    vka_path: PathBuf,
}

impl CreateVka {
    pub fn run(self) -> Res<()> {
        let art = self.keys.artifact()?;
        write(&self.vka_path, &art)?;
        println!(
            "model artifact   {} ({} bytes)",
            self.vka_path.display(),
            art.len()
        );
        Ok(())
    }
}

/// The node and the signing key.
#[derive(Args)]
pub struct ChainArgs {
    /// the chain's JSON-RPC endpoint
    #[arg(long, default_value = "http://127.0.0.1:8545")]
    rpc_url: String,
    /// the deployer's private key (0x + 64 hex digits; or the ZKONNX_PRIVATE_KEY variable)
    #[arg(long, env = "ZKONNX_PRIVATE_KEY", hide_env_values = true)]
    private_key: Option<String>,
}

impl ChainArgs {
    fn connect(&self) -> Res<(Rpc, Key)> {
        let rpc = Rpc::new(&self.rpc_url).map_err(|e| e.to_string())?;
        let key = self
            .private_key
            .as_deref()
            .ok_or("give the deployer's key: --private-key 0x… (or ZKONNX_PRIVATE_KEY)")?;
        let key = Key::from_hex(key).map_err(|e| e.to_string())?;
        Ok((rpc, key))
    }
}

fn deploy_model(rpc: &Rpc, key: &Key, verifier: &[u8; 20], vka: &Path) -> Res<[u8; 20]> {
    let art = read(vka)?;
    artifact::check(&art).map_err(|e| format!("{}: {e}", vka.display()))?;
    let code = contract::model_code(verifier, &art);
    if code.len() > contract::MAX_CODE {
        return Err(format!(
            "{}: the model's contract would be {} bytes, over EIP-170's {}",
            vka.display(),
            code.len(),
            contract::MAX_CODE
        ));
    }
    let r = rpc
        .deploy(key, &contract::deploy_code(&code))
        .map_err(|e| format!("deploying the model's contract: {e}"))?;
    let addr = r
        .contract_address
        .ok_or("the node's receipt names no contract address")?;
    println!(
        "model verifier   {} ({} bytes of code, gas {})",
        rpc::address_hex(&addr),
        code.len(),
        r.gas_used
    );
    Ok(addr)
}

/// `deploy-evm`: the reusable verifier (unless `--addr-verifier` names one already deployed)
/// and the model's contract; the model's contract address goes to `--addr-path`.
#[derive(Args)]
pub struct Deploy {
    /// the verifier source create-evm-verifier wrote (zkonnx deploys the bytecode it ships for
    /// exactly this source)
    #[arg(long, default_value = "evm_deploy.sol")]
    sol_code_path: PathBuf,
    /// the model's artifact (default: the source's path with `.vka`)
    #[arg(long)]
    vka_path: Option<PathBuf>,
    #[command(flatten)]
    chain: ChainArgs,
    /// where the model's verifier address goes (the address verify-evm and dApps call)
    #[arg(long, default_value = "addr.txt")]
    addr_path: PathBuf,
    /// a reusable verifier already on this chain: deploy only the model's contract
    #[arg(long)]
    addr_verifier: Option<String>,
}

impl Deploy {
    pub fn run(self) -> Res<()> {
        let sol = read(&self.sol_code_path)?;
        if sol != contract::VERIFIER_SOL.as_bytes() {
            return Err(format!(
                "{} is not the verifier source this zkonnx ships (zkonnx deploys its own reusable \
                 verifier's bytecode, built from that exact source): run create-evm-verifier again",
                self.sol_code_path.display()
            ));
        }
        let (rpc, key) = self.chain.connect()?;
        let verifier = match &self.addr_verifier {
            Some(a) => {
                let a = rpc::parse_address(a).map_err(|e| e.to_string())?;
                check_verifier(&rpc, &a)?;
                a
            }
            None => {
                let r = rpc
                    .deploy(&key, &contract::verifier_initcode())
                    .map_err(|e| format!("deploying the verifier: {e}"))?;
                let a = r
                    .contract_address
                    .ok_or("the node's receipt names no contract address")?;
                println!(
                    "verifier         {} (reusable: deploy models with --addr-verifier {}; gas {})",
                    rpc::address_hex(&a),
                    rpc::address_hex(&a),
                    r.gas_used
                );
                a
            }
        };
        let vka = vka_beside(&self.sol_code_path, &self.vka_path);
        let model = deploy_model(&rpc, &key, &verifier, &vka)?;
        write(
            &self.addr_path,
            format!("{}\n", rpc::address_hex(&model)).as_bytes(),
        )?;
        println!(
            "address in       {} (verify: zkonnx verify-evm --addr-verifier {})",
            self.addr_path.display(),
            rpc::address_hex(&model)
        );
        Ok(())
    }
}

/// The code at `a` must be zkonnx's verifier (the runtime its creation code deploys).
fn check_verifier(rpc: &Rpc, a: &[u8; 20]) -> Res<()> {
    let code = rpc.code(a).map_err(|e| e.to_string())?;
    let init = contract::verifier_initcode();
    // the creation code ends with the runtime code (solc's layout for a contract without
    // constructor arguments)
    if code.is_empty() || !init.ends_with(&code) {
        return Err(format!(
            "{} holds no zkonnx verifier of this version",
            rpc::address_hex(a)
        ));
    }
    Ok(())
}

/// `register-vka`: the model's contract for a reusable verifier already on the chain.
#[derive(Args)]
pub struct RegisterVka {
    /// the reusable verifier (deploy-evm printed it)
    #[arg(long)]
    addr_verifier: String,
    /// the model's verifying-key artifact (create-evm-vka, create-evm-verifier)
    #[arg(long, default_value = "vk.vka")]
    vka_path: PathBuf,
    #[command(flatten)]
    chain: ChainArgs,
    /// where the model's verifier address goes
    #[arg(long, default_value = "addr.txt")]
    addr_path: PathBuf,
}

impl RegisterVka {
    pub fn run(self) -> Res<()> {
        let (rpc, key) = self.chain.connect()?;
        let verifier = rpc::parse_address(&self.addr_verifier).map_err(|e| e.to_string())?;
        check_verifier(&rpc, &verifier)?;
        let model = deploy_model(&rpc, &key, &verifier, &self.vka_path)?;
        write(
            &self.addr_path,
            format!("{}\n", rpc::address_hex(&model)).as_bytes(),
        )?;
        Ok(())
    }
}

fn proof_call(p: &Path) -> Res<(Vec<u8>, Vec<verifier::Fr>)> {
    let proof = Proof::from_json(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))?;
    let bytes = proof.bytes().map_err(|e| format!("{}: {e}", p.display()))?;
    let first = proof.instances.first().ok_or("proof.json: no instances")?;
    let inst = verifier::instances_from_hex(first).map_err(|e| format!("{}: {e}", p.display()))?;
    Ok((bytes, inst))
}

/// The calldata: `verifyProof(proof, instances)` for the model's contract, or, with the model's
/// address, the same with that address appended, for the reusable verifier itself.
fn encode(proof: &Path, addr_vk: &Option<String>) -> Res<Vec<u8>> {
    let (bytes, inst) = proof_call(proof)?;
    let mut data = calldata::encode(&bytes, &inst);
    if let Some(a) = addr_vk {
        let a = rpc::parse_address(a).map_err(|e| e.to_string())?;
        data.extend_from_slice(&[0u8; 12]);
        data.extend_from_slice(&a);
    }
    Ok(data)
}

/// `encode-evm-calldata`: the call's bytes, to send with any wallet or library.
#[derive(Args)]
pub struct EncodeCalldata {
    /// the proof (prove)
    #[arg(long, default_value = "proof.json")]
    proof_path: PathBuf,
    /// where the calldata's raw bytes go
    #[arg(long, default_value = "calldata.bytes")]
    calldata_path: PathBuf,
    /// the model's contract, to call the reusable verifier directly (its address appended)
    #[arg(long)]
    addr_vk: Option<String>,
}

impl EncodeCalldata {
    pub fn run(self) -> Res<()> {
        let data = encode(&self.proof_path, &self.addr_vk)?;
        write(&self.calldata_path, &data)?;
        println!(
            "calldata         {} ({} bytes): verifyProof(bytes,uint256[]), selector {}",
            self.calldata_path.display(),
            data.len(),
            calldata::hex(&calldata::selector())
        );
        Ok(())
    }
}

/// `verify-evm`: call the model's contract; print its answer and the gas a transaction would use.
#[derive(Args)]
pub struct VerifyEvm {
    /// the proof (prove)
    #[arg(long, default_value = "proof.json")]
    proof_path: PathBuf,
    /// the model's verifier contract (deploy-evm's --addr-path); with --addr-vk, the reusable
    /// verifier
    #[arg(long)]
    addr_verifier: String,
    /// the chain's JSON-RPC endpoint
    #[arg(long, default_value = "http://127.0.0.1:8545")]
    rpc_url: String,
    /// the model's contract when --addr-verifier is the reusable verifier
    #[arg(long)]
    addr_vk: Option<String>,
}

impl VerifyEvm {
    pub fn run(self) -> Res<()> {
        let rpc = Rpc::new(&self.rpc_url).map_err(|e| e.to_string())?;
        let to = rpc::parse_address(self.addr_verifier.trim()).map_err(|e| e.to_string())?;
        let data = encode(&self.proof_path, &self.addr_vk)?;
        let valid = match rpc.call(&to, &data) {
            Ok(out) => out.len() == 32 && out[..31].iter().all(|&b| b == 0) && out[31] == 1,
            Err(rpc::RpcError::Reverted { .. }) => {
                println!(
                    "verified on chain: false (the verifier reverted: the proof, its public values \
                     or the contract's artifact are malformed, or not of this model)"
                );
                return Err("the proof did not verify on chain".into());
            }
            Err(e) => return Err(e.to_string()),
        };
        println!("verified on chain: {valid}");
        if valid {
            let gas = rpc
                .estimate_gas(Some(&to), &data)
                .map_err(|e| e.to_string())?;
            println!(
                "gas              {gas} (a transaction calling verifyProof; calldata {} bytes)",
                data.len()
            );
            Ok(())
        } else {
            Err("the proof did not verify on chain".into())
        }
    }
}
