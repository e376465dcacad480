// The whole pipeline in Debian's Chromium (headless, playwright-core), page served with
// COOP/COEP: asserts cross-origin isolation, more than one worker thread, a verified proof,
// outputs equal to the native CLI's, clear Errors for bad input; then the browser's proof
// verifies with the native CLI.
// With --wide: Chromium started with --js-flags=--wasm-wide-arithmetic, the npm package's load()
// must pick the wide-arithmetic module (mt-wide), whose proof must verify natively with the same
// outputs as the CLI.
// Usage: node tests/js/browser_pipeline.mjs MODEL_DIR [--wide]   (inside the repository, e.g.
// target/bench/models/cnn_mnist)
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const model = path.relative(root, path.resolve(process.argv[2] || 'examples/lenet'));
const wide = process.argv.includes('--wide');
const { server, url } = await serve(root, { isolate: true });
const ctx = await launch({ wide });
try {
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('console', (m) => console.log('[page]', m.text()));
  await page.goto(`${url}/tests/js/www/prove.html?${wide ? 'loader=npm&prover=0' : 'pkg=mt'}&threads=2&worker=1&model=/${model}`);
  await page.waitForFunction(() => window.__done === true, null, { timeout: 600_000, polling: 500 });
  const r = await page.evaluate(() => window.__result);
  assert.ok(!r.error, r.error);
  console.log(JSON.stringify({ kind: r.kind, threads: r.threads, threadsUsed: r.threadsUsed, times: r.times, memoryMB: r.memoryBytes / 2 ** 20, outputs: r.outputs }));
  assert.strictEqual(r.crossOriginIsolated, true);
  if (wide) assert.strictEqual(r.module, 'mt-wide', 'load() picks the wide-arithmetic module when the engine validates it');
  assert.strictEqual(r.inWorker, true);
  assert.strictEqual(r.threads, 2);
  assert.ok(r.threadsUsed > 1, `only ${r.threadsUsed} worker thread(s) took part`);
  assert.strictEqual(r.verified, true);
  assert.strictEqual(r.verifiedAgain, true);
  assert.match(r.errors.onnx, /ONNX/);
  assert.match(r.errors.length, /values, the model expects/);
  assert.match(r.errors.pk, /proving key/);

  // cross-check with the native CLI: same outputs, and the browser's proof verifies natively
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-browser-'));
  fs.writeFileSync(path.join(work, 'proof.json'), JSON.stringify(r.proof));
  fs.writeFileSync(path.join(work, 'settings.json'), JSON.stringify(r.settings));
  fs.writeFileSync(path.join(work, 'vk.key'), Buffer.from(r.vk));
  const bin = path.join(root, 'target/release/zkonnx');
  execFileSync(bin, ['gen-srs', '--srs-path', 'kzg.srs', '--logrows', String(r.settings.run_args.logrows), '--seed', '1'], { cwd: work });
  const out = execFileSync(bin, ['verify', '-S', 'settings.json', '--proof-path', 'proof.json', '--vk-path', 'vk.key', '--srs-path', 'kzg.srs'], { cwd: work }).toString();
  assert.match(out, /verified/);
  // and the other way: a proof made by the native CLI verifies in the page
  const nat = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-native-'));
  execFileSync(bin, ['e2e', path.join(root, model), '--work-dir', nat]);
  const nsettings = JSON.parse(fs.readFileSync(path.join(nat, 'settings.json'), 'utf8'));
  const nwitness = JSON.parse(fs.readFileSync(path.join(nat, 'witness.json'), 'utf8'));
  assert.deepStrictEqual(r.settings.run_args, nsettings.run_args, 'calibrated run_args: browser = CLI');
  assert.deepStrictEqual(r.outputs, nwitness.pretty_elements.rescaled_outputs, 'outputs: browser = CLI');
  if (wide) {
    console.log(`browser pipeline, wide-arithmetic module: ok (prove ${r.times.prove.toFixed(2)} s; the proof verifies natively)`);
    await ctx.close();
    server.close();
    process.exit(0);
  }
  const read = (f) => Array.from(fs.readFileSync(path.join(nat, f)));
  const nargs = [JSON.parse(fs.readFileSync(path.join(nat, 'proof.json'), 'utf8')), nsettings, read('vk.key'), read(`kzg${nsettings.run_args.logrows}.srs`)];
  const inPage = await page.evaluate(async ([p, s, vk, srs]) => {
    const zk = await import('/pkg/web/zkonnx.js');
    await zk.default();
    const good = zk.verify(p, s, new Uint8Array(vk), new Uint8Array(srs));
    const last = p.instances[0].length - 1; // a public output (row 0 is the layout digest)
    p.instances[0][last] = zk.floatToFelt(zk.feltToFloat(p.instances[0][last], s.run_args.input_scale) + 1, s.run_args.input_scale);
    return [good, zk.verify(p, s, new Uint8Array(vk), new Uint8Array(srs))];
  }, nargs);
  assert.deepStrictEqual(inPage, [true, false], 'native proof in the page: [valid, tampered]');
  console.log('browser pipeline: ok (threaded; the browser proof verifies natively, the native proof in the page)');

  // the npm package's loader on a page WITHOUT cross-origin isolation: single-threaded, same outputs
  const plain = await serve(root, { isolate: false });
  try {
    const p2 = await ctx.newPage();
    await p2.goto(`${plain.url}/tests/js/www/prove.html?loader=npm&model=/${model}`);
    await p2.waitForFunction(() => window.__done === true, null, { timeout: 600_000, polling: 500 });
    const s = await p2.evaluate(() => window.__result);
    assert.ok(!s.error, s.error);
    assert.strictEqual(s.crossOriginIsolated, false);
    assert.strictEqual(s.threads, 1);
    assert.strictEqual(s.verified, true);
    assert.deepStrictEqual(s.outputs, r.outputs);
    // the Prover API: progress reaches 1 for every stage, cancel stops before `prove`
    const st = s.prover.stages;
    assert.deepStrictEqual(st.filter(([, f]) => f === 1).map(([n]) => n), ['setup', 'prove']);
    assert.ok(st.some(([n]) => n === 'calibrate'));
    assert.strictEqual(s.prover.cancelled, 'AbortError');
    assert.strictEqual(s.prover.verified, true);
    assert.match(s.panic, /internal error in __panicForTests: panic: .*deliberate test panic.*restarted/);
    assert.strictEqual(s.verifiedAfterPanic, true);
    console.log(`npm loader without COOP/COEP: single-threaded, prove ${s.times.prove.toFixed(2)} s: ok`);
  } finally {
    plain.server.close();
  }
} finally {
  await ctx.close();
  server.close();
}
