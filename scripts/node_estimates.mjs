// The stages' estimates (zkonnx's `estimateStages`) against their times in Node, per model: the
// figures behind BENCHMARKS.md's "Progress estimates" for the WebAssembly engines.
// Usage: node scripts/node_estimates.mjs THREADS MODEL_DIR...   (needs target/release/zkonnx
// and pkg/npm; THREADS 1 is the single-threaded module)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [threadsArg, ...dirs] = process.argv.slice(2);
const threads = Number(threadsArg);
if (!(threads >= 1) || dirs.length === 0) {
  console.error('usage: node scripts/node_estimates.mjs THREADS MODEL_DIR...');
  process.exit(2);
}
const { load } = await import(pathToFileURL(path.join(root, 'pkg/npm/node.js')).href);
const zk = await load({ threads });
const secs = (f) => {
  const t = performance.now();
  const r = f();
  return [r, (performance.now() - t) / 1000];
};
console.log('| model | k | threads | setup: estimate / actual | prove: estimate / actual | verify: estimate / actual |');
console.log('|---|---|---|---|---|---|');
for (const dir of dirs) {
  // the CLI calibrates and makes the development SRS; Node then runs the long stages
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-est-'));
  execFileSync(path.join(root, 'target/release/zkonnx'), ['e2e', dir, '--work-dir', work], { stdio: 'ignore' });
  const settings = JSON.parse(fs.readFileSync(path.join(work, 'settings.json'), 'utf8'));
  const k = settings.run_args.logrows;
  const srs = new Uint8Array(fs.readFileSync(path.join(work, `kzg${k}.srs`)));
  const onnx = new Uint8Array(fs.readFileSync(path.join(dir, 'network.onnx')));
  const input = JSON.parse(fs.readFileSync(path.join(dir, 'input.json'), 'utf8'));
  const compiled = zk.compileCircuit(onnx, settings);
  const est = zk.estimateStages(compiled);
  const [keys, setup] = secs(() => zk.setup(compiled, zk.loadSrs(srs, k)));
  const witness = zk.genWitness(compiled, input);
  const [proof, prove] = secs(() => zk.prove(compiled, witness, keys.pk, srs));
  const [, verify] = secs(() => zk.verify(proof, settings, keys.vk, srs));
  const f = (e, a) => `${e.toFixed(2)} / ${a.toFixed(2)} s`;
  console.log(`| ${path.basename(dir)} | ${k} | ${threads} | ${f(est.setup, setup)} | ${f(est.prove, prove)} | ${f(est.verify, verify)} |`);
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(0);
