// WebAssembly next to native, one sitting: for each model, the native CLI's whole pipeline
// (RAYON_NUM_THREADS=2), then Chromium (Debian, headless) with the threaded module in a module
// Worker at 1 and 2 threads (the 32-bit-limb module mt/, and mt-wide/ in a Chromium started with
// --js-flags=--wasm-wide-arithmetic), rounds interleaved with the native runs, medians of --runs N
// (default 3); then Node (the npm package's loader) at 1 and 2 threads. The
// WebAssembly runs calibrate and compile themselves and load the CLI's keys and SRS (KZG setup
// belongs native). Prints one JSON line per model, then the module sizes.
// Usage: node scripts/bench_wasm.mjs [--no-node] [--setup] [--runs N] DIR [DIR ...]   (model folders inside the repository,
// e.g. target/bench/models/cnn_mnist; after scripts/wasm.sh, scripts/pack.sh, cargo build --release)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from '../tests/js/serve.mjs';
import { launch, run } from '../tests/js/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { server, url } = await serve(root, { isolate: true });
const rel = (p) => path.relative(root, p);
const round = (x) => Math.round(x * 1000) / 1000;

const noNode = process.argv.includes('--no-node');
const withSetup = process.argv.includes('--setup');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[(s.length - 1) >> 1]; };
const dirs = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--runs');

const native = (dir, work) => {
  fs.rmSync(work, { recursive: true, force: true });
  const out = execFileSync(path.join(root, 'target/release/zkonnx'), ['e2e', dir, '--work-dir', work],
    { env: { ...process.env, RAYON_NUM_THREADS: '2' }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  return Object.fromEntries(out.split('\n').map((l) => l.match(/^(setup|prove|verify)\s+([\d.]+) s/)).filter(Boolean).map((m) => [m[1], Number(m[2])]));
};
// one browser run: the raw module `pkg` in a module Worker (keys and SRS from the CLI's run)
// (--setup: the 2-thread runs make their keys in the page instead, and report setup's time too)
const browser = async (dir, work, srs, pkg, threads, wide) => {
  const ctx = await launch({ wide });
  try {
    const keys = withSetup && threads === 2 ? '' : `&keys=/${rel(work)}`;
    const { result: r } = await run(ctx, `${url}/tests/js/www/prove.html?pkg=${pkg}&worker=1&threads=${threads}&model=/${rel(dir)}&srs=/${rel(srs)}${keys}`, { log: false });
    if (r.error) throw new Error(r.error);
    return { load: r.times.load, prove: r.times.prove, verify: r.times.verify, memory_mb: Math.round(r.memoryBytes / 2 ** 20), ...(r.times.setup ? { setup: r.times.setup } : {}) };
  } finally {
    await ctx.close();
  }
};
// browser configurations, each run once per round, rounds interleaved with the native runs
const configs = [
  ['browser_t1', 'mt', 1, false],
  ['browser_t2', 'mt', 2, false],
  ['browser_wide_t1', 'mt-wide', 1, true],
  ['browser_wide_t2', 'mt-wide', 2, true],
];

for (const dir of dirs.map((d) => path.resolve(d))) {
  const name = path.basename(dir);
  const row = { model: name, runs };
  const work = path.join(root, 'target/bench/wasm', name);
  const samples = {};
  const add = (k, v) => { (samples[k] ??= []).push(v); };
  try {
    for (let round = 0; round < runs; round++) {
      const n = native(dir, work);
      for (const k of Object.keys(n)) add(`native_t2.${k}`, n[k]);
      const settings = JSON.parse(fs.readFileSync(path.join(work, 'settings.json'), 'utf8'));
      row.logrows = settings.run_args.logrows;
      const srs = path.join(work, `kzg${row.logrows}.srs`);
      for (const [key, pkg, threads, wide] of configs) {
        const b = await browser(dir, work, srs, pkg, threads, wide);
        for (const k of Object.keys(b)) add(`${key}.${k}`, b[k]);
      }
    }
  } catch (e) {
    row.unsupported = String(e.stderr ?? e.message).trim().split('\n').pop();
    console.log(JSON.stringify(row));
    continue;
  }
  for (const [k, xs] of Object.entries(samples)) {
    const [group, field] = k.split('.');
    (row[group] ??= {})[field] = round(median(xs));
    if (field === 'prove') row[group].prove_runs = xs.map(round);
  }
  const srs = path.join(work, `kzg${row.logrows}.srs`);
  for (const threads of noNode ? [] : [1, 2]) {
    const script = `
      const fs = await import('node:fs');
      const { load } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'pkg/npm/node.js')).href)});
      const zk = await load({ threads: ${threads} });
      const onnx = fs.readFileSync(${JSON.stringify(path.join(dir, 'network.onnx'))});
      const input = JSON.parse(fs.readFileSync(${JSON.stringify(path.join(dir, 'input.json'))}, 'utf8'));
      let s = zk.calibrateSettings(onnx, zk.genSettings(onnx, {}), input, 'resources');
      const c = zk.compileCircuit(onnx, s);
      const srs = zk.loadSrs(fs.readFileSync(${JSON.stringify(srs)}), s.run_args.logrows);
      const pk = fs.readFileSync(${JSON.stringify(path.join(work, 'pk.key'))});
      const w = zk.genWitness(c, input);
      const t = performance.now();
      zk.prove(c, w, pk, srs);
      console.log(JSON.stringify({ prove: (performance.now() - t) / 1000, memory_mb: Math.round(zk.memoryBytes() / 2 ** 20) }));`;
    const o = JSON.parse(execFileSync('node', ['--input-type=module', '-e', script]).toString());
    row[`node_t${threads}`] = { prove: round(o.prove), memory_mb: o.memory_mb };
  }
  for (const t of [1, 2]) {
    row[`browser_t${t}_over_native_t2`] = round(row[`browser_t${t}`].prove / row.native_t2.prove);
    row[`browser_wide_t${t}_over_native_t2`] = round(row[`browser_wide_t${t}`].prove / row.native_t2.prove);
  }
  console.log(JSON.stringify(row));
}
server.close();

const sizes = {};
for (const k of ['web', 'mt', 'mt-wide', 'node', 'verifier']) {
  const b = fs.readFileSync(path.join(root, 'pkg', k, k === 'verifier' ? 'zkonnx_verifier_bg.wasm' : 'zkonnx_bg.wasm'));
  sizes[k] = { raw: b.length, gzip9: zlib.gzipSync(b, { level: 9 }).length };
}
console.log(JSON.stringify({ wasm_sizes: sizes }));
