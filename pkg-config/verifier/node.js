// zkonnx/verifier in Node: the same module, its bytes read from disk and compiled synchronously,
// so that the module has no top-level await and CommonJS can `require('zkonnx/verifier')`
// (Node >= 20.19 loads ES modules through require).
import fs from 'node:fs';
import { initSync } from './zkonnx_verifier.js';
import * as raw from './zkonnx_verifier.js';
import { api } from './api.js';

initSync({ module: fs.readFileSync(new URL('./zkonnx_verifier_bg.wasm', import.meta.url)) });
export const {
  verify, verifyReport, inspect, fingerprint, commitment, trustText, encodeCalldata, proofArgs, evmLayout,
} = api(raw);
export const poseidon = commitment;
