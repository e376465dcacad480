// zkonnx/evm: a model's verifier contract from its verification bundle.

/** A `verifier.bundle` file's bytes. */
export type BundleInput = Uint8Array | ArrayBuffer;

/** The creation code (0x…) of a model's verifier contract: its runtime code is a stub calling the
 * reusable verifier at `verifier` (deployed once per chain, `zkonnx deploy-evm`), then the model's
 * verifying-key artifact. Deploy it with viem/ethers (`deployContract({ bytecode, abi })`) or
 * `zkonnx deploy-evm`; `encodeCalldata` (zkonnx/verifier) makes the call it verifies. */
export function evmModelInitcode(bundle: BundleInput, verifier: `0x${string}` | string): `0x${string}`;
