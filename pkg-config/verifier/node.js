// zkonnx/verifier in Node: the same module, its bytes read from disk.
import fs from 'node:fs';
import init, * as raw from './zkonnx_verifier.js';
import { api } from './api.js';

await init({ module_or_path: fs.readFileSync(new URL('./zkonnx_verifier_bg.wasm', import.meta.url)) });
export const { verify, inspect, fingerprint, commitment } = api(raw);
export const poseidon = commitment;
