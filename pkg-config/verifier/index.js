// zkonnx/verifier in the browser: a small WebAssembly module, no threads, no COOP/COEP needed.
//   import { verify, inspect } from 'zkonnx/verifier';
import init, * as raw from './zkonnx_verifier.js';
import { api } from './api.js';

await init();
export const {
  verify, verifyReport, inspect, fingerprint, commitment, trustText, encodeCalldata, proofArgs, evmLayout,
} = api(raw);
export const poseidon = commitment;
