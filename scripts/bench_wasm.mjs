// WebAssembly next to native, one sitting: for each model, the native CLI's whole pipeline
// (RAYON_NUM_THREADS=2), then Chromium (Debian, headless) with the threaded module in a module
// Worker at 1 and 2 threads, and Node (the npm package's loader) at 1 and 2 threads. The
// WebAssembly runs calibrate and compile themselves and load the CLI's keys and SRS (KZG setup
// belongs native). Prints one JSON line per model, then the module sizes.
// Usage: node scripts/bench_wasm.mjs [--no-node] DIR [DIR ...]   (model folders inside the repository,
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
for (const dir of process.argv.slice(2).filter((a) => !a.startsWith('--')).map((d) => path.resolve(d))) {
  const name = path.basename(dir);
  const row = { model: name };
  const work = path.join(root, 'target/bench/wasm', name);
  fs.rmSync(work, { recursive: true, force: true });
  let out;
  try {
    out = execFileSync(path.join(root, 'target/release/zkonnx'), ['e2e', dir, '--work-dir', work],
      { env: { ...process.env, RAYON_NUM_THREADS: '2' }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    row.unsupported = String(e.stderr).trim().split('\n').pop();
    console.log(JSON.stringify(row));
    continue;
  }
  row.native_t2 = Object.fromEntries(out.split('\n').map((l) => l.match(/^(setup|prove|verify)\s+([\d.]+) s/)).filter(Boolean).map((m) => [m[1], Number(m[2])]));
  const settings = JSON.parse(fs.readFileSync(path.join(work, 'settings.json'), 'utf8'));
  row.logrows = settings.run_args.logrows;
  const srs = path.join(work, `kzg${row.logrows}.srs`);
  for (const threads of [1, 2]) {
    const ctx = await launch();
    try {
      const { result: r } = await run(ctx, `${url}/tests/js/www/prove.html?pkg=mt&worker=1&threads=${threads}&model=/${rel(dir)}&srs=/${rel(srs)}&keys=/${rel(work)}`, { log: false });
      if (r.error) throw new Error(r.error);
      row[`browser_t${threads}`] = { prove: round(r.times.prove), verify: round(r.times.verify), memory_mb: Math.round(r.memoryBytes / 2 ** 20) };
    } finally {
      await ctx.close();
    }
  }
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
  row.browser_t2_over_native_t2 = round(row.browser_t2.prove / row.native_t2.prove);
  console.log(JSON.stringify(row));
}
server.close();

const sizes = {};
for (const k of ['web', 'mt', 'node']) {
  const b = fs.readFileSync(path.join(root, 'pkg', k, 'zkonnx_bg.wasm'));
  sizes[k] = { raw: b.length, gzip9: zlib.gzipSync(b, { level: 9 }).length };
}
console.log(JSON.stringify({ wasm_sizes: sizes }));
