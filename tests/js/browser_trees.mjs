// A tree ensemble proven in Debian's Chromium (headless, playwright-core) through the npm
// package's own loader, threaded (COOP/COEP): a scikit-learn random forest exported by skl2onnx
// (ai.onnx.ml TreeEnsembleClassifier; tests/py/make_forest.py writes it with onnxruntime's
// outputs in expected.json). The page calibrates, compiles, sets up, proves and verifies; the
// label must equal onnxruntime's and the probabilities be within 1e-2; the browser's proof
// must verify with the native CLI.
// Usage: node tests/js/browser_trees.mjs MODEL_DIR   (inside the repository, e.g. target/forest)
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(process.argv[2] || 'target/forest');
const model = path.relative(root, dir);
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
const { server, url } = await serve(root, { isolate: true });
const ctx = await launch();
try {
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('console', (m) => console.log('[page]', m.text()));
  await page.goto(`${url}/tests/js/www/prove.html?loader=npm&threads=2&worker=1&prover=0&model=/${model}`);
  await page.waitForFunction(() => window.__done === true, null, { timeout: 600_000, polling: 500 });
  const r = await page.evaluate(() => window.__result);
  assert.ok(!r.error, r.error);
  assert.strictEqual(r.crossOriginIsolated, true);
  assert.strictEqual(r.threads, 2);
  assert.strictEqual(r.verified, true);
  const [label, probs] = r.outputs.map((o) => o.map(Number));
  assert.deepStrictEqual(label, expected.label, 'label = onnxruntime\'s');
  probs.forEach((p, i) => assert.ok(Math.abs(p - expected.probabilities[i]) <= 1e-2,
    `probability ${i}: ${p}, onnxruntime ${expected.probabilities[i]}`));
  console.log(JSON.stringify({ model, trees: expected.trees, nodes: expected.nodes, logrows: r.settings.run_args.logrows, times: r.times, memoryMB: Math.round(r.memoryBytes / 2 ** 20), outputs: r.outputs }));
  // the browser's proof verifies natively
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-trees-'));
  fs.writeFileSync(path.join(work, 'proof.json'), JSON.stringify(r.proof));
  fs.writeFileSync(path.join(work, 'settings.json'), JSON.stringify(r.settings));
  fs.writeFileSync(path.join(work, 'vk.key'), Buffer.from(r.vk));
  const bin = path.join(root, 'target/release/zkonnx');
  execFileSync(bin, ['gen-srs', '--srs-path', 'kzg.srs', '--logrows', String(r.settings.run_args.logrows), '--seed', '1'], { cwd: work });
  const out = execFileSync(bin, ['verify', '-S', 'settings.json', '--proof-path', 'proof.json', '--vk-path', 'vk.key', '--srs-path', 'kzg.srs'], { cwd: work }).toString();
  assert.match(out, /verified: true/);
  console.log(`browser trees: a ${expected.trees}-tree forest proven in Chromium through the npm package (prove ${r.times.prove.toFixed(2)} s), verified natively: ok`);
} finally {
  await ctx.close();
  server.close();
}
