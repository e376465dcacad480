// The light verifier's time in Node: the first `verify` of the process, then the median of 40.
// Usage: node scripts/bench_verifier.mjs WORK_DIR [PKG_DIR]   (WORK_DIR: proof.json and
// verifier.bundle, e.g. from `zkonnx e2e`; PKG_DIR: the npm package, default pkg/npm)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [work, pkg = 'pkg/npm'] = process.argv.slice(2);
const zk = await import(pathToFileURL(path.resolve(pkg, 'verifier/node.js')).href);
const proof = JSON.parse(fs.readFileSync(path.join(work, 'proof.json'), 'utf8'));
const bundle = new Uint8Array(fs.readFileSync(path.join(work, 'verifier.bundle')));
let t = performance.now();
if (!zk.verify(proof, bundle)) throw new Error('the proof does not verify');
console.log(`first verify: ${(performance.now() - t).toFixed(1)} ms`);
const modelId = zk.inspect(proof, bundle).modelId;
for (const [name, expect] of [['verify', undefined], ['verify { modelId }', { modelId }]]) {
  const times = [];
  for (let i = 0; i < 40; i++) {
    t = performance.now();
    if (!zk.verify(proof, bundle, expect)) throw new Error(`${name}: false`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${name}: median ${((times[19] + times[20]) / 2).toFixed(2)} ms of 40`);
}
