// `zkonnx/evm`'s functions over the raw module (wasm-bindgen glue in ./zkonnx_evm.js, initialised
// by index.js or node.js). The argument checks and the trap-to-Error wrapping are
// zkonnx/verifier's (../verifier/api.js).
import { bytesOf, guarded } from '../verifier/api.js';

export function api(raw) {
  return {
    /**
     * The creation code (0x…) of a model's verifier contract: its runtime code is a stub calling
     * the reusable verifier at `verifier` (0x…, deployed once per chain), then the model's
     * verifying-key artifact, compiled from the bundle.
     */
    evmModelInitcode(bundle, verifier) {
      if (typeof verifier !== 'string') throw new Error('evmModelInitcode: `verifier` must be the reusable verifier\'s address (0x + 40 hex digits)');
      return guarded(() => raw.evmModelInitcodeRaw(bytesOf(bundle), verifier));
    },
  };
}
