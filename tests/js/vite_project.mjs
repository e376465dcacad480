// The packed npm package in a new Vite project: `npm install` of the .tgz and of Vite, a page
// that imports 'zkonnx/worker' (the Prover in the package's module Worker, bundled by Vite),
// `vite build`, then the built static files in Chromium, with COOP/COEP (threaded) and without
// (single-threaded): the model proves and verifies, same outputs.
// Usage: node tests/js/vite_project.mjs MODEL_DIR   (after scripts/pack.sh)
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { launch, run } from './chromium.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const model = path.resolve(process.argv[2]);
const tgz = fs.readdirSync(path.join(root, 'pkg')).find((f) => /^zkonnx-.*\.tgz$/.test(f));
const proj = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-vite-'));
const sh = (cmd, args) => execFileSync(cmd, args, { cwd: proj, stdio: ['ignore', 'ignore', 'inherit'] });

fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'vite-app', private: true, type: 'module' }));
sh('npm', ['install', '--no-audit', '--no-fund', '--silent', path.join(root, 'pkg', tgz), 'vite@8']);
fs.copyFileSync(path.join(here, 'vite/index.html'), path.join(proj, 'index.html'));
fs.copyFileSync(path.join(here, 'vite/main.js'), path.join(proj, 'main.js'));
const pub = path.join(proj, 'public/model');
fs.mkdirSync(pub, { recursive: true });
for (const f of ['network.onnx', 'input.json']) fs.copyFileSync(path.join(model, f), path.join(pub, f));
// a development SRS, made natively (a page never generates one)
execFileSync(path.join(root, 'target/release/zkonnx'), ['gen-srs', '--srs-path', path.join(pub, 'kzg.srs'), '--logrows', '15', '--seed', '1'], { stdio: 'ignore' });
// worker.format 'es': the package's Worker (zkonnx/worker) imports its modules as ES modules
fs.writeFileSync(path.join(proj, 'vite.config.js'), "export default { build: { target: 'esnext' }, worker: { format: 'es' } };\n");
sh('npx', ['vite', 'build', '--logLevel', 'warn']);

const dist = path.join(proj, 'dist');
const ctx = await launch();
try {
  const outs = {};
  for (const isolate of [true, false]) {
    const { server, url } = await serve(dist, { isolate });
    try {
      const { result: r } = await run(ctx, `${url}/index.html`);
      assert.ok(!r.error, r.error);
      assert.strictEqual(r.crossOriginIsolated, isolate);
      assert.strictEqual(r.threads, isolate ? 2 : 1);
      assert.ok(isolate ? /^mt/.test(r.module) : r.module === 'web', r.module);
      assert.strictEqual(r.verified, true);
      outs[isolate] = r.outputs;
      console.log(`vite build, ${isolate ? 'COOP/COEP: threaded' : 'no COOP/COEP: single-threaded'}: verified, outputs ${JSON.stringify(r.outputs)}`);
    } finally {
      server.close();
    }
  }
  assert.deepStrictEqual(outs[true], outs[false]);
} finally {
  await ctx.close();
  fs.rmSync(proj, { recursive: true, force: true });
}
console.log('vite project: ok');
