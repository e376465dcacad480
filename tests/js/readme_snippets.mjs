// The READMEs' JavaScript, run as written against the packed package (a newcomer's path): every
// ```js / ```html block of README.md and pkg-config/README.md (tests/js/snippets.mjs: each is
// marked as a Node ES module, Node CommonJS or a page) runs in a new project where the .tgz is
// installed, beside the files the READMEs name: network.onnx and input.json (MODEL_DIR), kzg.srs
// (`zkonnx gen-srs`, k = 12: a larger SRS than the model needs, cut down by loadSrs), proof.json
// and verifier.bundle (`zkonnx e2e`). Checked:
// - each snippet prints every line its `// → TEXT` comments promise (verify true, a forged
//   proof false...), exits cleanly with nothing on stderr, and its printed outputs equal the
//   CLI's for the same model;
// - pages run in Chromium served with COOP/COEP and without: `zkonnx/worker` runs the threaded
//   module in the first case (module mt, 2 threads), the single-threaded one in the second;
//   a page copied from a file (examples/verify.html) is that file, and says "valid";
// - no console message anywhere (page, Workers, Node) says "deprecated";
// - zkonnx/worker beyond the README: a threaded load() on the page's main thread, unknown
//   options rejected with the valid ones listed, `srs` as a function of logrows (called in the
//   page, again for a fresh Worker; its error is create's), a cancel in the middle of `prove`
//   rejecting at once with an AbortError, the next proof made by a fresh Worker without setup,
//   interpolated progress while a long stage runs, the page's timers running while the Worker
//   proves.
// Usage: node tests/js/readme_snippets.mjs MODEL_DIR   (after scripts/pack.sh)
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { snippets } from './snippets.mjs';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const model = path.resolve(process.argv[2] || path.join(root, 'target/bench/models/mlp_small'));
const bin = path.join(root, 'target/release/zkonnx');
const t0 = performance.now();
const secs = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

const all = ['README.md', 'pkg-config/README.md'].flatMap((f) => snippets(path.join(root, f)));
const where = (s) => `${path.relative(root, s.file)}:${s.line}`;
// identical snippets (the root README repeats the package README's) run once
const distinct = [];
for (const s of all) {
  const twin = distinct.find((d) => d.kind === s.kind && d.code === s.code);
  if (twin) twin.also.push(where(s));
  else distinct.push({ ...s, also: [] });
}
for (const s of distinct) {
  assert.ok(s.same || s.expects.length > 0, `${where(s)}: no \`// → …\` line says what it prints`);
}

// the project: the packed package installed, the README's files beside it
const tgz = fs.readdirSync(path.join(root, 'pkg')).find((f) => /^zkonnx-.*\.tgz$/.test(f));
assert.ok(tgz, 'pkg/zkonnx-*.tgz is missing: run scripts/pack.sh');
const proj = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-readme-'));
fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'readme-snippets', private: true }));
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', path.join(root, 'pkg', tgz)], { cwd: proj, stdio: ['ignore', 'ignore', 'inherit'] });
for (const f of ['network.onnx', 'input.json']) fs.copyFileSync(path.join(model, f), path.join(proj, f));
execFileSync(bin, ['gen-srs', '--srs-path', path.join(proj, 'kzg.srs'), '--logrows', '12'], { stdio: 'ignore' });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-readme-cli-'));
execFileSync(bin, ['e2e', model, '--work-dir', work, '--srs-path', path.join(proj, 'kzg.srs')], { stdio: 'ignore' });
for (const f of ['proof.json', 'verifier.bundle']) fs.copyFileSync(path.join(work, f), path.join(proj, f));
// the model ID the modeler publishes (`zkonnx commit`), which the verifying snippets pin; the
// Node snippet that proves writes its own beside its own proof and bundle
const committed = execFileSync(bin, ['commit', '-M', path.join(work, 'model.compiled'), '--bundle-path', path.join(work, 'verifier.bundle')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
fs.writeFileSync(path.join(proj, 'model-id.txt'), /^model id (0x[0-9a-f]{64})$/m.exec(committed)[1]);
const cliOutputs = JSON.parse(fs.readFileSync(path.join(work, 'witness.json'), 'utf8')).pretty_elements.rescaled_outputs
  .map((o) => o.map(Number));
console.log(`project with the package and the files: ${secs()}`);

// what every run must print: the promised lines, and outputs equal to the CLI's
function checkOutput(s, lines, label) {
  for (const e of s.expects) assert.ok(lines.includes(e), `${where(s)} (${label}): expected a line "${e}"; printed:\n${lines.join('\n')}`);
  for (const l of lines.filter((x) => x.startsWith('outputs: '))) {
    const got = JSON.parse(l.slice('outputs: '.length)).map((o) => o.map(Number));
    assert.deepStrictEqual(got, cliOutputs, `${where(s)} (${label}): outputs equal the CLI's`);
  }
  const noisy = lines.filter((l) => /deprecated/i.test(l));
  assert.deepStrictEqual(noisy, [], `${where(s)} (${label}): a clean console`);
}

const report = [];
// Node: ES module and CommonJS files in the project, run with node
let n = 0;
for (const s of distinct.filter((x) => x.kind !== 'page')) {
  const file = path.join(proj, `snippet-${++n}.${s.kind === 'node' ? 'mjs' : 'cjs'}`);
  fs.writeFileSync(file, s.code);
  const t = performance.now();
  const r = spawnSync('node', [file], { cwd: proj, encoding: 'utf8', timeout: 300_000 });
  const took = (performance.now() - t) / 1000;
  assert.strictEqual(r.status, 0, `${where(s)}: node exited with ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.strictEqual(r.stderr, '', `${where(s)}: nothing on stderr`);
  checkOutput(s, r.stdout.split('\n').map((l) => l.trim()), s.kind);
  report.push(`${where(s)}${s.also.length ? ` (= ${s.also.join(', ')})` : ''} [${s.kind}]: ${s.expects.join(', ')} (${took.toFixed(1)} s)`);
}

// pages in Chromium, with and without cross-origin isolation
const ctx = await launch();
const pageRun = async (url, { until, timeout = 300_000 }) => {
  const page = await ctx.newPage();
  const lines = [];
  const errors = [];
  page.on('console', (m) => lines.push(m.text().trim()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  const start = Date.now();
  while (!(await until(lines, page))) {
    if (errors.length) break;
    if (Date.now() - start > timeout) throw new Error(`${url}: timed out; printed:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.deepStrictEqual(errors, [], `${url}: errors in the page`);
  return { page, lines };
};
try {
  for (const isolate of [true, false]) {
    const { server, url } = await serve(proj, { isolate });
    const label = isolate ? 'page, COOP/COEP' : 'page, no COOP/COEP';
    try {
      for (const s of distinct.filter((x) => x.kind === 'page')) {
        if (s.same) {
          assert.strictEqual(s.code, fs.readFileSync(path.join(root, s.same), 'utf8'), `${where(s)} is ${s.same} as it is`);
        }
        fs.writeFileSync(path.join(proj, 'index.html'), s.code);
        const t = performance.now();
        const { page, lines } = await pageRun(`${url}/index.html`, {
          until: s.same
            ? async (_, p) => ((await p.evaluate(() => document.body?.textContent ?? '')) || null)
            : (ls) => s.expects.every((e) => ls.includes(e)) || ls.some((l) => /error/i.test(l)),
        });
        if (s.same) {
          const body = await page.evaluate(() => document.body.textContent);
          assert.match(body, /^valid: outputs \[\[.*\]\], model 0x[0-9a-f]{64}$/, `${where(s)}: ${body}`);
        }
        checkOutput(s, lines, label);
        // the Worker's build: threaded under COOP/COEP, single-threaded without
        for (const l of lines.filter((x) => x.startsWith('module: '))) {
          const [, kind, threads] = /^module: (\S+) threads: (\d+)$/.exec(l);
          if (isolate) {
            assert.ok(['mt', 'mt-wide'].includes(kind) && Number(threads) === 2, `${where(s)} (${label}): ${l}`);
          } else {
            assert.ok(kind === 'web' && Number(threads) === 1, `${where(s)} (${label}): ${l}`);
          }
        }
        const took = (performance.now() - t) / 1000;
        report.push(`${where(s)}${s.also.length ? ` (= ${s.also.join(', ')})` : ''} [${label}]: `
          + `${s.same ? 'valid' : s.expects.join(', ')}${lines.find((l) => l.startsWith('module: ')) ? `, ${lines.find((l) => l.startsWith('module: '))}` : ''} (${took.toFixed(1)} s)`);
        await page.close();
      }
      if (isolate) report.push(await workerChecks(url));
    } finally {
      server.close();
    }
  }
} finally {
  await ctx.close();
}

// zkonnx/worker beyond the README's page, cross-origin isolated
async function workerChecks(url) {
  fs.writeFileSync(path.join(proj, 'extras.html'), `<!doctype html>
<script type="module">
import { load } from './node_modules/zkonnx/browser.js';
import { ProverWorker } from './node_modules/zkonnx/worker.js';
const r = {};
const err = async (f) => { try { await f(); return null; } catch (e) { return e.message; } };
try {
  const bytes = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());
  const [onnx, srs, input] = [await bytes('network.onnx'), await bytes('kzg.srs'), await (await fetch('input.json')).json()];
  // the threaded module on the main thread: its workers start without deprecation warnings
  const zk = await load({ threads: 2 });
  r.mainThread = zk.module + ' ' + zk.threadsUsed();
  r.loadError = await err(() => load({ thread: 2 }));
  r.createError = await err(() => ProverWorker.create(onnx, { srs, calibraton: input }));
  // the SRS as a function of logrows: called in the page when the Worker has calibrated (and
  // again when a fresh Worker takes over); what it throws is create's error
  r.srsError = await err(() => ProverWorker.create(onnx, { srs: (k) => { throw new Error('no SRS here for k = ' + k); }, calibration: input }));
  const asked = [];
  const prover = await ProverWorker.create(onnx, { srs: async (k) => { asked.push(k); return srs; }, calibration: input });
  r.logrows = prover.settings.run_args.logrows;
  r.module = prover.module + ' ' + prover.threads;
  r.proveError = await err(() => prover.prove(input, { sginal: null }));
  // cancel in the middle of the prove stage: the call rejects at once
  const ac = new AbortController();
  let abortedAt = 0;
  try {
    let started = false;
    await prover.prove(input, { signal: ac.signal, onProgress: (stage) => {
      if (stage === 'prove' && !started) setTimeout(() => { abortedAt = performance.now(); ac.abort(); }, 30);
      started ||= stage === 'prove';
    } });
    r.cancel = 'not cancelled';
  } catch (e) {
    r.cancel = e.name;
    r.cancelMs = performance.now() - abortedAt;
  }
  // the next proof: a fresh Worker with the same settings and keys (no calibration, no setup)
  const stages = [];
  const interpolated = [];
  let ticks = 0, last = performance.now(), gap = 0;
  const timer = setInterval(() => { const t = performance.now(); gap = Math.max(gap, t - last); last = t; ticks++; }, 20);
  const again = await prover.prove(input, { onProgress: (s, f, i) => {
    if (stages.at(-1) !== s) stages.push(s);
    if (i?.interpolated) interpolated.push([s, f, i.stageFraction, i.end]);
    if (s === 'prove' && i?.done) r.proveSeconds = i.seconds;
  } });
  clearInterval(timer);
  r.stages = stages;
  r.asked = asked;
  r.interpolated = interpolated;
  r.maxTimerGapMs = gap;
  r.ticks = ticks;
  r.verified = await prover.verify(again.proof);
  r.outputs = again.outputs;
  prover.terminate();
  r.afterTerminate = await err(() => prover.verify(again.proof));
} catch (e) {
  r.error = String(e && e.stack || e);
}
console.log('extras ' + JSON.stringify(r));
</script>
`);
  const t = performance.now();
  const { lines, page } = await pageRun(`${url}/extras.html`, { until: (ls) => ls.some((l) => l.startsWith('extras ')) });
  const r = JSON.parse(lines.find((l) => l.startsWith('extras ')).slice('extras '.length));
  await page.close();
  assert.ok(!r.error, r.error);
  assert.deepStrictEqual(lines.filter((l) => /deprecated/i.test(l)), [], 'a clean console (page and Workers)');
  assert.match(r.mainThread, /^mt(-wide)? 2$/);
  assert.match(r.loadError, /unknown option `thread` \(did you mean `threads`\?\); the valid options are threads, single, wideArithmetic/);
  assert.match(r.createError, /unknown option `calibraton` \(did you mean `calibration`\?\); the valid options are calibration, target, srs, runArgs/);
  assert.match(r.proveError, /unknown option `sginal` \(did you mean `signal`\?\); the valid options are onProgress, signal/);
  assert.match(r.module, /^mt(-wide)? 2$/);
  assert.match(r.srsError, /no SRS here for k = \d+/);
  assert.deepStrictEqual(r.asked, [r.logrows, r.logrows], 'srs(k): once at create, once for the fresh Worker after the cancel');
  // a long stage moves between its boundaries (interpolated from the estimate, 200 ms apart)
  assert.ok(r.interpolated.every(([s, f, sf, end]) => ['witness', 'prove', 'setup'].includes(s) && sf > 0 && sf <= 0.95 && f < end), JSON.stringify(r.interpolated));
  if (r.proveSeconds > 0.6) assert.ok(r.interpolated.some(([s]) => s === 'prove'), `prove took ${r.proveSeconds} s: interpolated events ${JSON.stringify(r.interpolated)}`);
  assert.strictEqual(r.cancel, 'AbortError');
  assert.ok(r.cancelMs < 100, `the cancel rejected ${r.cancelMs} ms after the abort`);
  assert.deepStrictEqual(r.stages, ['load', 'compile', 'srs', 'witness', 'prove'], 'a fresh Worker, the same keys: no calibration or setup');
  assert.strictEqual(r.verified, true);
  assert.deepStrictEqual(r.outputs, cliOutputs);
  assert.ok(r.maxTimerGapMs < 1000 && r.ticks > 5, `the page's timers ran while the Worker proved (longest gap ${r.maxTimerGapMs} ms)`);
  assert.match(r.afterTerminate, /terminated/);
  return `zkonnx/worker extras [page, COOP/COEP]: main-thread load ${r.mainThread} threads, unknown options named, `
    + `srs(k) asked for k = ${r.asked.join(', ')}, cancel mid-prove: ${r.cancel} after ${r.cancelMs.toFixed(0)} ms, then a fresh Worker: ${r.stages.join(' → ')}, verified, `
    + `${r.interpolated.length} interpolated progress events; `
    + `longest timer gap while proving ${r.maxTimerGapMs.toFixed(0)} ms (${((performance.now() - t) / 1000).toFixed(1)} s)`;
}

fs.rmSync(proj, { recursive: true, force: true });
fs.rmSync(work, { recursive: true, force: true });
for (const l of report) console.log(`  ${l}`);
console.log(`README snippets: ${distinct.length} distinct of ${all.length}, all ran as written (${secs()})`);
