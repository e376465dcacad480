// zkonnx/evm in the browser: a model's verifier contract from its bundle (the EVM artifact
// compiler), in a WebAssembly module of its own so that zkonnx/verifier's stays small.
//   import { evmModelInitcode } from 'zkonnx/evm';
import init, * as raw from './zkonnx_evm.js';
import { api } from './api.js';

await init();
export const { evmModelInitcode } = api(raw);
