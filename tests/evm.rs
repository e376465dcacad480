//! The verifier contract (contracts/ZkonnxVerifier.sol, golden bytecode) in an in-process EVM
//! (revm), against the light verifier: honest proofs of several models verify through their
//! model contracts (each within EIP-170's code limit); a differential tamper suite (every public
//! value moved, a bit flipped in every word of the proof, truncated and extended calldata,
//! another model's artifact, points off the curve and non-canonical encodings) is rejected by
//! both, the contract by `false` or a revert, never `true`.

mod common;

use common::*;
use revm::context::TxEnv;
use revm::context_interface::result::{ExecutionResult, Output};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{Address, Bytes, TxKind, U256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};
use std::sync::OnceLock;
use zkonnx::evm::{artifact, calldata, contract};
use zkonnx::formats::Proof;
use zkonnx::settings::{RunArgs, Visibility};
use zkonnx::verifier::{self, Bundle, Fr};

const VERIFIER: [u8; 20] = [0xa1; 20];
const CALLER: [u8; 20] = [0xca; 20];

/// What a call returned: `Some(true/false)` for the ABI bool, `None` for a revert or halt.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Outcome {
    answer: Option<bool>,
    gas: u64,
}

struct Chain {
    db: CacheDB<EmptyDB>,
}

impl Chain {
    fn new() -> Self {
        let mut c = Chain {
            db: CacheDB::default(),
        };
        let runtime = c.create(&contract::verifier_initcode());
        c.install(VERIFIER, runtime);
        c
    }

    fn tx(to: TxKind, data: Vec<u8>) -> TxEnv {
        TxEnv::builder()
            .caller(Address::from(CALLER))
            .kind(to)
            .data(Bytes::from(data))
            .gas_limit(16_000_000)
            .gas_price(0)
            .build()
            .expect("tx")
    }

    /// Run creation code; the runtime code it returns.
    fn create(&self, initcode: &[u8]) -> Vec<u8> {
        let mut evm = Context::mainnet().with_db(self.db.clone()).build_mainnet();
        let r = evm
            .transact(Self::tx(TxKind::Create, initcode.to_vec()))
            .expect("create");
        match r.result {
            ExecutionResult::Success {
                output: Output::Create(_, Some(addr)),
                ..
            } => r.state[&addr]
                .info
                .code
                .as_ref()
                .expect("code")
                .original_bytes()
                .to_vec(),
            other => panic!("creation failed: {other:?}"),
        }
    }

    fn install(&mut self, at: [u8; 20], code: Vec<u8>) {
        self.db.insert_account_info(
            Address::from(at),
            AccountInfo {
                balance: U256::ZERO,
                nonce: 1,
                code_hash: revm::primitives::keccak256(&code),
                code: Some(Bytecode::new_raw(Bytes::from(code))),
                ..Default::default()
            },
        );
    }

    fn call(&self, to: [u8; 20], data: Vec<u8>) -> Outcome {
        let mut evm = Context::mainnet().with_db(self.db.clone()).build_mainnet();
        let r = evm
            .transact(Self::tx(TxKind::Call(Address::from(to)), data))
            .expect("call");
        match r.result {
            ExecutionResult::Success { output, gas, .. } => {
                let out = output.data().to_vec();
                let zeros = |z: &[u8]| z.iter().all(|&b| b == 0);
                let answer = match out.len() {
                    32 if zeros(&out[..31]) && out[31] == 1 => Some(true),
                    32 if zeros(&out) => Some(false),
                    _ => panic!("unexpected return data {out:?}"),
                };
                Outcome {
                    answer,
                    gas: gas.tx_gas_used(),
                }
            }
            ExecutionResult::Revert { gas, output, .. } => {
                if std::env::var("EVM_DEBUG").is_ok() {
                    eprintln!("revert {output:?}");
                }
                Outcome {
                    answer: None,
                    gas: gas.tx_gas_used(),
                }
            }
            ExecutionResult::Halt { gas, .. } => Outcome {
                answer: None,
                gas: gas.tx_gas_used(),
            },
        }
    }
}

struct Case {
    proof: Proof,
    bundle: Bundle,
}

impl Case {
    fn bytes(&self) -> Vec<u8> {
        self.proof.bytes().unwrap()
    }
    fn instances(&self) -> Vec<Fr> {
        verifier::instances_from_hex(&self.proof.instances[0]).unwrap()
    }
}

fn case(bytes: &[u8], x: &[f32], ra: RunArgs, seed: u64) -> Case {
    let p = prove_at(bytes, x, ra, seed);
    Case {
        proof: p.proof,
        bundle: Bundle::from_bytes(&p.keys.bundle).unwrap(),
    }
}

fn mlp_case() -> &'static Case {
    static C: OnceLock<Case> = OnceLock::new();
    C.get_or_init(|| case(&mlp(20), &values(120, 8, -1.0, 1.0), RunArgs::default(), 7))
}

/// The MLP with committed params (docs/committed-params.md): its proofs end with the link.
fn committed_case() -> &'static Case {
    static C: OnceLock<Case> = OnceLock::new();
    C.get_or_init(|| {
        case(
            &mlp(20),
            &values(120, 8, -1.0, 1.0),
            with_params(Visibility::Committed),
            7,
        )
    })
}

/// The link's bytes at the end of `c`'s proofs (none without committed params).
fn link_bytes(c: &Case) -> usize {
    if c.bundle.committed.is_empty() {
        0
    } else {
        verifier::LINK_BYTES
    }
}

/// A model contract at `at` for `bundle` (its program compiled when it fits).
fn install_model(chain: &mut Chain, at: [u8; 20], bundle: &Bundle) -> usize {
    install_vka(chain, at, artifact::build(bundle).expect("artifact"))
}

/// A model contract at `at` for `bundle`, its program in the given form.
fn install_as(chain: &mut Chain, at: [u8; 20], bundle: &Bundle, form: artifact::Form) -> usize {
    install_vka(
        chain,
        at,
        artifact::build_as(bundle, form).expect("artifact"),
    )
}

fn install_vka(chain: &mut Chain, at: [u8; 20], art: Vec<u8>) -> usize {
    let code = contract::model_code(&VERIFIER, &art);
    let n = code.len();
    chain.install(at, code);
    n
}

/// The light verifier's answer: Some(valid) or None for malformed input.
fn light(bundle: &Bundle, proof: &[u8], inst: &[Fr]) -> Option<bool> {
    verifier::verify(bundle, proof, inst).ok()
}

#[test]
fn honest_proofs_verify_on_chain_within_the_code_limit() {
    let mut chain = Chain::new();
    let mut cases: Vec<(String, Case)> = vec![];
    // by their builders (in the order of `common::OPS`): a name that is no op model does not
    // compile
    for (name, m) in [
        ("conv", op_conv()),
        ("relu", op_relu()),
        ("sigmoid", op_sigmoid()),
        ("softmax", op_softmax()),
        ("maxpool", op_maxpool()),
    ] {
        let n: usize = m.shape.iter().product();
        cases.push((
            name.to_string(),
            case(&m.bytes, &values(3, n, -1.0, 1.0), RunArgs::default(), 5),
        ));
    }
    let m = mlp_case();
    for (i, (name, c)) in cases
        .iter()
        .map(|(n, c)| (n.as_str(), c))
        .chain([("mlp", m), ("mlp, committed params", committed_case())])
        .enumerate()
    {
        // the opening plan's commitments, the quotient's extra pieces, G1, h1, h2
        let art = artifact::build(&c.bundle).unwrap();
        let word =
            |i: usize| usize::from_be_bytes(art[32 * i + 24..32 * i + 32].try_into().unwrap());
        let plan = &art[word(artifact::hdr::PLAN_PTR)..];
        let u16at = |o: usize| u16::from_be_bytes([plan[o], plan[o + 1]]) as usize;
        let (mut o, mut commitments) = (2, 0);
        for _ in 0..u16at(0) {
            let np = u16at(o);
            o += 2 + 2 * np;
            let nc = u16at(o);
            // slot 1: the identity (a fixed column of zeros), no MSM term
            commitments += (0..nc)
                .filter(|j| u16at(o + 2 + 2 * j * (1 + np)) != 1)
                .count();
            o += 2 + 2 * nc * (1 + np);
        }
        // with committed params, per column C_A and C_W, then [Q], π and λ·π
        let link = match c.bundle.committed.len() {
            0 => 0,
            m => 2 * m + 3,
        };
        assert_eq!(
            commitments + c.bundle.quotient_degree as usize - 1 + 3 + link,
            artifact::msm_terms(&c.bundle),
            "{name}: MSM terms"
        );
        assert!(
            artifact::code_offset(&art).is_some(),
            "{name}: the program is compiled"
        );
        // the interpreted form verifies the same proof
        let slow = [0x50 + i as u8; 20];
        install_as(&mut chain, slow, &c.bundle, artifact::Form::Interpreted);
        let interpreted = chain.call(slow, calldata::encode(&c.bytes(), &c.instances()));
        assert_eq!(
            interpreted.answer,
            Some(true),
            "{name}: interpreted program"
        );
        let at = [0x10 + i as u8; 20];
        let size = install_model(&mut chain, at, &c.bundle);
        assert!(
            size <= contract::MAX_CODE,
            "{name}: model contract {size} bytes"
        );
        let out = chain.call(at, calldata::encode(&c.bytes(), &c.instances()));
        assert!(
            out.gas < interpreted.gas,
            "{name}: compiled {} gas, interpreted {}",
            out.gas,
            interpreted.gas
        );
        eprintln!(
            "{name}: k {}, {} advice, {} lookups, proof {} bytes, contract {size} bytes, gas {}",
            c.bundle.k,
            c.bundle.num_advice_columns,
            c.bundle.lookups.len(),
            c.bytes().len(),
            out.gas
        );
        assert_eq!(out.answer, Some(true), "{name}: honest proof on chain");
        assert_eq!(light(&c.bundle, &c.bytes(), &c.instances()), Some(true));
    }
}

/// Both verifiers reject; the contract never answers `true`.
fn both_reject(chain: &Chain, at: [u8; 20], c: &Case, proof: &[u8], inst: &[Fr], what: &str) {
    let out = chain.call(at, calldata::encode(proof, inst));
    assert_ne!(out.answer, Some(true), "contract accepted: {what}");
    assert_ne!(
        light(&c.bundle, proof, inst),
        Some(true),
        "light verifier accepted: {what}"
    );
}

#[test]
fn tampered_proofs_and_calldata_are_rejected_by_contract_and_light_verifier() {
    tamper_suite(mlp_case(), artifact::Form::Compiled);
}

#[test]
fn tampered_proofs_are_rejected_with_the_interpreted_program_too() {
    tamper_suite(mlp_case(), artifact::Form::Interpreted);
}

/// Committed params: every word of the proof and of its link ([Q], π), the link's points off
/// the curve, negated or the identity, the link cut off.
#[test]
fn tampered_committed_params_proofs_are_rejected() {
    tamper_suite(committed_case(), artifact::Form::Compiled);
}

fn tamper_suite(c: &Case, form: artifact::Form) {
    let mut chain = Chain::new();
    let at = [0x22; 20];
    install_as(&mut chain, at, &c.bundle, form);
    let (proof, inst) = (c.bytes(), c.instances());
    assert_eq!(
        chain.call(at, calldata::encode(&proof, &inst)).answer,
        Some(true)
    );

    // every public value moved
    for i in 0..inst.len() {
        let mut bad = inst.clone();
        bad[i] += Fr::from(1u64);
        both_reject(
            &chain,
            at,
            c,
            &proof,
            &bad,
            &format!("public value {i} + 1"),
        );
    }
    // one more or one fewer public value
    let mut more = inst.clone();
    more.push(Fr::from(0u64));
    both_reject(&chain, at, c, &proof, &more, "an extra public value");
    both_reject(
        &chain,
        at,
        c,
        &proof,
        &inst[..inst.len() - 1],
        "a missing public value",
    );

    // a bit flipped in every word of the proof, at a position that moves through the word
    for w in 0..proof.len() / 32 {
        let mut bad = proof.clone();
        bad[32 * w + (w * 7) % 32] ^= 1 << (w % 8);
        both_reject(
            &chain,
            at,
            c,
            &bad,
            &inst,
            &format!("proof word {w} flipped"),
        );
    }
    // points: off the curve, the identity, a coordinate + q (non-canonical), y negated
    let q = U256::from_str_radix(
        "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47",
        16,
    )
    .unwrap();
    let r = U256::from_str_radix(
        "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001",
        16,
    )
    .unwrap();
    let word = |b: &[u8]| U256::from_be_slice(b);
    let put = |b: &mut [u8], v: U256| b.copy_from_slice(&v.to_be_bytes::<32>());
    let (points, _) = verifier::plonk::proof_shape(&c.bundle);
    let link = link_bytes(c);
    // with committed params the link's [Q] and π follow the proof's points and scalars
    let link_points = [(proof.len() - link) / 64, (proof.len() - link) / 64 + 1];
    for p in [0, points / 2, points - 1]
        .into_iter()
        .chain(link_points.into_iter().filter(|_| link > 0))
    {
        let o = if p < points {
            64 * p
        } else {
            proof.len() - link + 64 * (p - link_points[0])
        };
        let mut bad = proof.clone();
        bad[o..o + 64].fill(0);
        both_reject(
            &chain,
            at,
            c,
            &bad,
            &inst,
            &format!("point {p} the identity"),
        );
        let mut bad = proof.clone();
        let x = word(&bad[o..o + 32]);
        put(&mut bad[o..o + 32], x + q);
        both_reject(&chain, at, c, &bad, &inst, &format!("point {p}: x + q"));
        let mut bad = proof.clone();
        let y = word(&bad[o + 32..o + 64]);
        put(&mut bad[o + 32..o + 64], q - y);
        both_reject(&chain, at, c, &bad, &inst, &format!("point {p}: −P"));
    }
    // scalars: + r (the same value, non-canonical)
    let scalars_at = 64 * points;
    for s in [scalars_at, proof.len() - link - 128 - 32] {
        let mut bad = proof.clone();
        let v = word(&bad[s..s + 32]);
        if v + r < U256::MAX {
            put(&mut bad[s..s + 32], v + r);
            both_reject(&chain, at, c, &bad, &inst, &format!("scalar at {s} + r"));
        }
    }
    // public values + r
    let mut data = calldata::encode(&proof, &inst);
    let first_inst = data.len() - 32 * (inst.len() - 1);
    let v = word(&data[first_inst..first_inst + 32]);
    put(&mut data[first_inst..first_inst + 32], v + r);
    assert_ne!(chain.call(at, data).answer, Some(true), "public value + r");

    // calldata truncated and extended, at the end and in the proof
    let good = calldata::encode(&proof, &inst);
    for cut in [1, 31, 32, 33, good.len() / 2] {
        let out = chain.call(at, good[..good.len() - cut].to_vec());
        assert_ne!(out.answer, Some(true), "calldata cut by {cut}");
    }
    for extra in [1usize, 32, 64] {
        let mut d = good.clone();
        d.extend(std::iter::repeat_n(0u8, extra));
        assert_ne!(
            chain.call(at, d).answer,
            Some(true),
            "calldata extended by {extra}"
        );
    }
    both_reject(
        &chain,
        at,
        c,
        &proof[..proof.len() - 32],
        &inst,
        "proof truncated",
    );
    let mut longer = proof.clone();
    longer.extend([0u8; 32]);
    both_reject(&chain, at, c, &longer, &inst, "proof extended");
    if link > 0 {
        both_reject(
            &chain,
            at,
            c,
            &proof[..proof.len() - link],
            &inst,
            "the link cut off",
        );
    }
    // a non-canonical ABI layout (the proof's offset moved)
    let mut d = good.clone();
    d[4 + 31] = 0x60;
    assert_ne!(chain.call(at, d).answer, Some(true), "ABI offsets moved");
}

#[test]
fn another_models_artifact_rejects_the_proof() {
    let mut chain = Chain::new();
    let c = mlp_case();
    // the same model and public layout in another circuit (other lanes): other keys
    let lanes = RunArgs::default().num_inner_cols;
    let ra = RunArgs {
        num_inner_cols: if lanes == 1 { 2 } else { 1 },
        ..RunArgs::default()
    };
    let other = case(&mlp(20), &values(120, 8, -1.0, 1.0), ra, 7);
    assert_eq!(other.instances().len(), c.instances().len());
    let (mine, theirs) = ([0x31; 20], [0x32; 20]);
    install_model(&mut chain, mine, &c.bundle);
    install_model(&mut chain, theirs, &other.bundle);
    let data = calldata::encode(&c.bytes(), &c.instances());
    assert_eq!(chain.call(mine, data.clone()).answer, Some(true));
    assert_ne!(chain.call(theirs, data).answer, Some(true));
    assert_ne!(light(&other.bundle, &c.bytes(), &c.instances()), Some(true));
    // the same weights and circuit under another SRS: another artifact
    let other_srs = case(&mlp(20), &values(120, 8, -1.0, 1.0), RunArgs::default(), 8);
    let third = [0x33; 20];
    install_model(&mut chain, third, &other_srs.bundle);
    let data = calldata::encode(&c.bytes(), &c.instances());
    assert_ne!(chain.call(third, data).answer, Some(true));
    // calling the verifier with an address that holds no artifact
    let mut d = calldata::encode(&c.bytes(), &c.instances());
    d.extend([0u8; 12]);
    d.extend([0x44u8; 20]);
    assert_eq!(chain.call(VERIFIER, d).answer, None);
}

/// The model's contract runs its compiled program only for the verifier; a changed byte of the
/// program (another constraint system) makes the honest proof fail.
#[test]
fn the_compiled_program_runs_for_the_verifier_only_and_is_the_models() {
    let mut chain = Chain::new();
    let c = mlp_case();
    let art = artifact::build_as(&c.bundle, artifact::Form::Compiled).unwrap();
    let at = [0x61; 20];
    install_vka(&mut chain, at, art.clone());
    let data = calldata::encode(&c.bytes(), &c.instances());
    assert_eq!(chain.call(at, data.clone()).answer, Some(true));
    // anyone else calling with what the verifier sends is forwarded to verifyProof: refused
    let start = artifact::code_offset(&art).unwrap() - contract::STUB_LEN;
    let image = vec![0u8; 0x2000];
    assert_eq!(
        chain.call(at, image).answer,
        None,
        "program mode for a stranger"
    );
    // every byte of the program's arithmetic changed in turn (MULMOD ↔ ADDMOD, an address moved)
    let code = &art[start..];
    let (mut changed, mut accepted) = (0, vec![]);
    let mut i = 0;
    let mut ops = vec![];
    while i < code.len() {
        ops.push(i);
        // PUSH1..PUSH32 carry immediates
        i += if (0x60..=0x7f).contains(&code[i]) {
            1 + (code[i] - 0x5f) as usize
        } else {
            1
        };
    }
    for (n, &i) in ops.iter().enumerate() {
        let swapped = match code[i] {
            0x08 => 0x09,
            0x09 => 0x08,
            _ => continue,
        };
        if n % 5 != 0 {
            continue;
        }
        let mut bad = art.clone();
        bad[start + i] = swapped;
        let other = [0x62; 20];
        install_vka(&mut chain, other, bad);
        if chain.call(other, data.clone()).answer == Some(true) {
            accepted.push(i);
        }
        changed += 1;
    }
    // a swap inside a gate whose selector and expression both vanish at x (a gadget this
    // circuit does not use: q·e = q + e = 0) changes nothing; every other swap is refused
    assert!(changed > 20, "only {changed} program bytes tried");
    assert!(
        accepted.len() * 5 < changed,
        "{} of {changed} changed programs still accept: {accepted:?}",
        accepted.len()
    );
}

/// A `.vka` of another format or with a bad program offset is refused before deployment.
#[test]
fn artifacts_are_checked_before_deployment() {
    let c = mlp_case();
    let art = artifact::build(&c.bundle).unwrap();
    assert_eq!(artifact::check(&art), Ok(()));
    let mut old = art.clone();
    old[31] = 1;
    let e = artifact::check(&old).unwrap_err().to_string();
    assert!(
        e.contains("format 1") && e.contains("create-evm-verifier"),
        "{e}"
    );
    let mut moved = art.clone();
    moved[32 * artifact::hdr::CODE + 31] ^= 1;
    assert!(artifact::check(&moved).is_err());
    assert!(artifact::check(&art[..100]).is_err());
    // a byte in the gap before the program, or bytes after an interpreted artifact
    let len = artifact::artifact_len(&art).unwrap();
    let mut gap = art.clone();
    gap[len + 3] = 0x60;
    assert!(artifact::check(&gap).is_err());
    let mut slow = artifact::build_as(&c.bundle, artifact::Form::Interpreted).unwrap();
    assert_eq!(artifact::check(&slow), Ok(()));
    slow.push(0x5b);
    assert!(artifact::check(&slow).is_err());
}

/// Committed params on chain: other weights under the same circuit (the same proving key
/// proves them) verify on their own model's contract only. Only the link tells the two apart.
#[test]
fn committed_params_other_weights_are_rejected_on_chain() {
    let x = values(120, 8, -1.0, 1.0);
    let c = compile_at(&mlp(20), &x, 7, with_params(Visibility::Committed));
    let srs = zkonnx::pipeline::gen_srs(c.settings.run_args.logrows, 7);
    let keys = zkonnx::pipeline::setup(&c, &srs).unwrap();
    let mut other = c.clone();
    other.graph.params[0].values[0] += 1;
    let other_keys = zkonnx::pipeline::setup(&other, &srs).unwrap();
    assert_eq!(other_keys.pk, keys.pk, "one circuit, one proving key");
    let w = zkonnx::pipeline::gen_witness(&other, &input_data(&x)).unwrap();
    let theirs = Case {
        proof: zkonnx::pipeline::prove(&other, &w, &other_keys.pk, &srs).unwrap(),
        bundle: Bundle::from_bytes(&other_keys.bundle).unwrap(),
    };
    let mine = Bundle::from_bytes(&keys.bundle).unwrap();
    let mut chain = Chain::new();
    let (at_mine, at_theirs) = ([0x61; 20], [0x62; 20]);
    install_model(&mut chain, at_mine, &mine);
    install_model(&mut chain, at_theirs, &theirs.bundle);
    let data = calldata::encode(&theirs.bytes(), &theirs.instances());
    assert_eq!(chain.call(at_theirs, data.clone()).answer, Some(true));
    assert_eq!(
        chain.call(at_mine, data).answer,
        Some(false),
        "other weights verified on the model's contract"
    );
    assert_eq!(
        light(&mine, &theirs.bytes(), &theirs.instances()),
        Some(false)
    );
    // the interpreted program: the same answer
    let at_slow = [0x63; 20];
    install_as(&mut chain, at_slow, &mine, artifact::Form::Interpreted);
    let data = calldata::encode(&theirs.bytes(), &theirs.instances());
    assert_eq!(chain.call(at_slow, data).answer, Some(false));

    // well-formed links that are not this proof's reach the link's arithmetic and answer false
    // (not a revert): the link of another honest proof of the model, [Q] and π swapped
    let w = zkonnx::pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    let honest = || Case {
        proof: zkonnx::pipeline::prove(&c, &w, &keys.pk, &srs).unwrap(),
        bundle: mine.clone(),
    };
    let (one, two) = (honest(), honest());
    let (a, b) = (one.bytes(), two.bytes());
    let cut = a.len() - verifier::LINK_BYTES;
    assert_ne!(a[cut..], b[cut..], "each proof has its own link");
    for (what, proof) in [
        ("honest", a.clone()),
        ("another proof's link", [&a[..cut], &b[cut..]].concat()),
        (
            "[Q] and π swapped",
            [&a[..cut], &a[cut + 64..], &a[cut..cut + 64]].concat(),
        ),
    ] {
        let want = Some(what == "honest");
        let data = calldata::encode(&proof, &one.instances());
        assert_eq!(chain.call(at_mine, data.clone()).answer, want, "{what}");
        assert_eq!(
            chain.call(at_slow, data).answer,
            want,
            "{what}, interpreted"
        );
        assert_eq!(
            light(&mine, &proof, &one.instances()),
            want,
            "{what}, light"
        );
    }
}
