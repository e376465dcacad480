// zkonnx in Node (>= 20): threaded through Web Workers emulated over worker_threads
// (node-workers.js), or single-threaded with `{ threads: 1 }` (or `{ single: true }`). The
// functions of the returned object are the module's (see index.d.ts), guarded as in the browser
// (guard.js).
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { guard } from './guard.js';
import { checkOptions, LOAD_OPTIONS } from './options.js';

export async function load(options) {
  checkOptions('load', options, LOAD_OPTIONS);
  const { threads, single = false, wideArithmetic } = options ?? {};
  if (wideArithmetic) {
    throw new Error('load: `wideArithmetic` is for browsers whose engine validates the wide-arithmetic instructions; Node runs the threaded module `mt`');
  }
  const n = single ? 1 : threads ?? Math.min(os.availableParallelism?.() ?? os.cpus().length, 16);
  if (n <= 1) {
    return guard(createRequire(import.meta.url)('./node/zkonnx.js'), { module: 'node' });
  }
  await import('./node-workers.js');
  const zk = await import('./mt/zkonnx.js');
  await zk.default({ module_or_path: fs.readFileSync(new URL('./mt/zkonnx_bg.wasm', import.meta.url)) });
  await zk.initThreadPool(n);
  return guard(zk, { threaded: true, module: 'mt' });
}

export { Prover } from './prover.js';
export { hasWideArithmetic } from './browser.js';
