// zkonnx/evm in Node: the same module, its bytes read from disk and compiled synchronously (no
// top-level await, so CommonJS can `require('zkonnx/evm')`).
import fs from 'node:fs';
import { initSync } from './zkonnx_evm.js';
import * as raw from './zkonnx_evm.js';
import { api } from './api.js';

initSync({ module: fs.readFileSync(new URL('./zkonnx_evm_bg.wasm', import.meta.url)) });
export const { evmModelInitcode } = api(raw);
