//! The contracts' code: the reusable verifier's golden creation bytecode (compiled from
//! `contracts/ZkonnxVerifier.sol` by `scripts/solc.mjs`; `.ci` checks it is what solc makes of
//! the source), and a model's contract, assembled here without a compiler: an 87-byte stub that
//! forwards its calldata, with its own address appended, to the verifier by `STATICCALL` and
//! returns (or reverts with) the verifier's answer, followed by the model's artifact, which the
//! verifier reads with `EXTCODECOPY`.

/// The reusable verifier's creation bytecode (hex).
pub const VERIFIER_HEX: &str = include_str!("../../contracts/ZkonnxVerifier.bin");
/// Its Solidity source, as `create-evm-verifier` writes it.
pub const VERIFIER_SOL: &str = include_str!("../../contracts/ZkonnxVerifier.sol");
/// Its ABI (the model contracts have the same).
pub const VERIFIER_ABI: &str = include_str!("../../contracts/ZkonnxVerifier.abi.json");

/// The verifier's creation bytecode.
pub fn verifier_initcode() -> Vec<u8> {
    let h = VERIFIER_HEX.trim();
    (0..h.len() / 2)
        .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).expect("golden bytecode is hex"))
        .collect()
}

/// The stub's length: the artifact starts at this offset of a model contract's code.
pub const STUB_LEN: usize = 87;
/// The stub's `ok` label: returns what the verifier returned.
const STUB_OK: usize = 82;

/// The stub calling `verifier`; `program`: where the model's compiled constraint program
/// starts (its `JUMPDEST`), which runs when the caller is the verifier itself (the verifier
/// calls the model to evaluate its constraints).
pub fn stub(verifier: &[u8; 20], program: Option<usize>) -> Vec<u8> {
    let target = program.unwrap_or(STUB_OK);
    let target = u16::try_from(target).expect("code offsets are below 64 KiB");
    let mut c = vec![0x33, 0x73]; // caller, push20 verifier
    c.extend_from_slice(verifier);
    c.extend_from_slice(&[
        0x14, // eq
        0x61,
        (target >> 8) as u8,
        target as u8, // push2 program
        0x57,         // jumpi: the verifier evaluating the constraints
        0x36,
        0x60,
        0x00,
        0x60,
        0x00,
        0x37, // calldatacopy(0, 0, calldatasize)
        0x30,
        0x36,
        0x52, // mstore(calldatasize, address)
        0x60,
        0x00,
        0x60,
        0x00, // retSize, retOffset
        0x36,
        0x60,
        0x20,
        0x01, // argsSize = calldatasize + 32
        0x60,
        0x00, // argsOffset
        0x73, // push20 verifier
    ]);
    c.extend_from_slice(verifier);
    c.extend_from_slice(&[
        0x5a,
        0xfa, // staticcall(gas, verifier, 0, size + 32, 0, 0)
        0x3d,
        0x60,
        0x00,
        0x60,
        0x00,
        0x3e, // returndatacopy(0, 0, returndatasize)
        0x60,
        STUB_OK as u8,
        0x57, // jumpi(ok, success)
        0x3d,
        0x60,
        0x00,
        0xfd, // revert(0, returndatasize)
        0x5b,
        0x3d,
        0x60,
        0x00,
        0xf3, // ok: return(0, returndatasize)
    ]);
    debug_assert_eq!(c.len(), STUB_LEN);
    debug_assert_eq!(c[STUB_OK], 0x5b);
    c
}

/// A model contract's runtime code: the stub, then the artifact (`.vka`: with its compiled
/// program, when it has one).
pub fn model_code(verifier: &[u8; 20], vka: &[u8]) -> Vec<u8> {
    let mut c = stub(verifier, super::artifact::code_offset(vka));
    c.extend_from_slice(vka);
    c
}

/// Creation code that deploys `runtime` as is.
pub fn deploy_code(runtime: &[u8]) -> Vec<u8> {
    let n = u16::try_from(runtime.len()).expect("runtime code under 64 KiB");
    let mut c = vec![
        0x61,
        (n >> 8) as u8,
        n as u8, // push2 len
        0x80,    // dup1
        0x60,
        0x0c, // push1 12 (the runtime's offset in this code)
        0x60,
        0x00,
        0x39, // codecopy(0, 12, len)
        0x60,
        0x00,
        0xf3, // return(0, len)
    ];
    c.extend_from_slice(runtime);
    c
}

/// EIP-170's limit on a contract's runtime code.
pub const MAX_CODE: usize = 24_576;

/// An address from `0x` (or `0X`) and 40 hex digits, any case, surrounding blanks ignored;
/// the reason it is not one otherwise. The one parser of addresses (the RPC client and the
/// JS bindings wrap its reason in their own errors).
pub fn parse_address(s: &str) -> Result<[u8; 20], &'static str> {
    const SHAPE: &str = "expected 0x followed by 40 hex digits";
    let t = s.trim();
    let digits = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .ok_or(SHAPE)?;
    if digits.len() != 40 {
        return Err(SHAPE);
    }
    let d = digits.as_bytes();
    if !d.iter().all(u8::is_ascii_hexdigit) {
        return Err("not hexadecimal");
    }
    let nibble = |c: u8| (c as char).to_digit(16).expect("checked hex digit") as u8;
    let mut out = [0u8; 20];
    for (i, b) in out.iter_mut().enumerate() {
        *b = nibble(d[2 * i]) << 4 | nibble(d[2 * i + 1]);
    }
    Ok(out)
}
