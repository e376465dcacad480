// The web app (www/, built by scripts/www.sh) in Debian's Chromium:
// - prover page, served by `npm run serve` (vite preview, COOP/COEP): a model and input dropped
//   on the page prove end to end through zkonnx/worker (the package's Worker script, no Worker
//   of the app's own); every network request is recorded: all go to the app's own origin, all
//   are GETs of its static files (none carries the model); the stages show the package's
//   progress (estimates before the long stages, interpolated elapsed-of-estimate while one runs,
//   a busy marker for the SRS); the proof verifies with the native CLI; the prove -> verify link
//   carries the proof and bundle; the same model in a new page takes its keys from IndexedDB
//   (no calibration, no setup); cancel during `prove` leaves a usable page, and the next proof
//   of that model takes a fresh Worker with the same keys; a model with an unsupported op names
//   the op;
// - verify page, served WITHOUT COOP/COEP: the proof + bundle dropped -> VALID, a tampered
//   proof -> INVALID. Screenshots of both pages go to target/screenshots/.
// Usage: node tests/js/www_app.mjs MODEL_DIR UNSUPPORTED_MODEL_DIR
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [model, unsupported] = process.argv.slice(2).map((p) => path.resolve(p));
const shots = path.join(root, 'target/screenshots');
fs.mkdirSync(shots, { recursive: true });

// `npm run serve` in www/: vite preview with COOP/COEP
const port = 5180;
const preview = spawn('npm', ['run', 'serve'], { cwd: path.join(root, 'www'), stdio: 'ignore', detached: true });
const app = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try { if ((await fetch(`${app}/index.html`)).ok) break; } catch { /* not up yet */ }
  if (i > 100) throw new Error('vite preview did not start');
  await new Promise((r) => setTimeout(r, 200));
}

async function dropFiles(page, selector, files) {
  const dt = await page.evaluateHandle((fs) => {
    const d = new DataTransfer();
    for (const [name, bytes] of fs) d.items.add(new File([new Uint8Array(bytes)], name));
    return d;
  }, files.map(([name, p]) => [name, Array.from(fs.readFileSync(p))]));
  await page.dispatchEvent(selector, 'drop', { dataTransfer: dt });
}
const text = (page, sel) => page.$eval(sel, (e) => e.textContent);
const visible = (page, sel) => page.$eval(sel, (e) => !e.classList.contains('hidden'));

const ctx = await launch();
const requests = [];
ctx.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() }));
try {
  const page = await ctx.newPage();
  page.on('console', (m) => console.log('  [page]', m.text()));
  await page.goto(`${app}/index.html`);
  assert.strictEqual(await page.evaluate(() => self.crossOriginIsolated), true);

  // every state and text each stage shows, in order (a MutationObserver on the stage list)
  const watchStages = () => page.evaluate(() => {
    window.__stageLog = [];
    const snap = () => {
      for (const el of document.querySelectorAll('#stages .stage')) {
        const e = { stage: el.id.slice(3), state: el.dataset.state, text: el.querySelector('.t').textContent, cls: el.className };
        const last = window.__stageLog.findLast((x) => x.stage === e.stage);
        if (!last || last.state !== e.state || last.text !== e.text || last.cls !== e.cls) window.__stageLog.push(e);
      }
    };
    new MutationObserver(snap).observe(document.getElementById('stages'), { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const stageLog = () => page.evaluate(() => window.__stageLog);

  // 0. a model picked with a broken input.json: the model stays picked, the JSON error is shown
  await dropFiles(page, '#drop', [['network.onnx', path.join(model, 'network.onnx')], ['input.json', path.join(unsupported, 'network.onnx')]]);
  await page.waitForFunction(() => !document.getElementById('error').classList.contains('hidden'));
  assert.match(await text(page, '#error'), /input\.json is not valid JSON/);
  assert.match(await text(page, '#picked'), /model: network\.onnx · input: —/);

  // 1. prove from dropped files
  await dropFiles(page, '#drop', [['network.onnx', path.join(model, 'network.onnx')], ['input.json', path.join(model, 'input.json')]]);
  await page.waitForFunction(() => document.getElementById('picked').textContent.includes('input: loaded'));
  assert.ok(!(await visible(page, '#error')), 'good files clear the earlier error');
  await watchStages();
  await page.click('#prove');
  await page.waitForFunction(() => window.__zkonnxResult || !document.getElementById('error').classList.contains('hidden'), null, { timeout: 900_000, polling: 500 });
  assert.ok(!(await visible(page, '#error')), await text(page, '#error'));
  const r = await page.evaluate(() => window.__zkonnxResult);
  assert.match(await text(page, '#verdict'), /verified in this tab/);
  assert.ok(r.outputs.flat().every((v, i) => Math.abs(v - r.floats.flat()[i]) < 0.05), 'proven outputs near the float model\'s');
  assert.match(await text(page, '#threads'), /^ \(2 threads\)$/);
  // an estimate before each long stage: shown while it waits ("≈ 1.2 s"), then "x s of ≈ y s"
  const log = await stageLog();
  for (const st of ['setup', 'witness', 'prove', 'verify']) {
    const mine = log.filter((e) => e.stage === st);
    const firstRun = mine.findIndex((e) => e.state === 'running');
    assert.ok(firstRun > 0, `${st} ran: ${JSON.stringify(mine)}`);
    assert.ok(mine.slice(0, firstRun).some((e) => e.state === 'pending' && /^≈ \d/.test(e.text)), `${st}: an estimate before it ran: ${JSON.stringify(mine)}`);
    assert.match(mine.at(-1).text, /^\d+\.\d\d s$/, `${st} done`);
    assert.ok(mine.at(-1).cls.includes('done'));
  }
  assert.ok(log.some((e) => e.stage === 'prove' && /^\d+\.\d s of ≈ \d/.test(e.text)), 'prove shows elapsed of estimate while it runs');
  // the SRS (fetched for the k calibration chose, then cut down and checked) is estimated
  // once its file is at hand (estimateSrs): an estimate, not a busy marker, while it runs
  assert.ok(log.some((e) => e.stage === 'srs' && e.state === 'running' && /^≈ /.test(e.text) && !e.cls.includes('busy')), `srs: its estimate while it runs: ${JSON.stringify(log.filter((e) => e.stage === 'srs'))}`);
  // the app proves through zkonnx/worker: the package's Worker script (prover-worker.js), not
  // one of its own (the app had prove-worker.js)
  const paths = requests.map((q) => new URL(q.url).pathname);
  assert.ok(paths.some((p) => /^\/assets\/prover-worker-[\w-]+\.js$/.test(p)), `zkonnx/worker's script loaded: ${paths.join(', ')}`);
  assert.ok(!paths.some((p) => /\/prove-worker/.test(p)), `no Worker script of the app's own: ${paths.join(', ')}`);
  assert.ok(!fs.readdirSync(path.join(root, 'www/dist/assets')).some((f) => f.startsWith('prove-worker')), 'www/dist holds no Worker of the app');
  console.log('estimates shown: ' + ['setup', 'witness', 'prove', 'verify'].map((st) => `${st} ${log.find((e) => e.stage === st && /^≈/.test(e.text)).text} -> ${log.filter((e) => e.stage === st).at(-1).text}`).join(', '));
  await page.screenshot({ path: path.join(shots, 'prove.png'), fullPage: true });

  // the proof and bundle verify with the native CLI
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-www-'));
  fs.writeFileSync(path.join(work, 'proof.json'), JSON.stringify(r.proof));
  fs.writeFileSync(path.join(work, 'verifier.bundle'), Buffer.from(r.bundle));
  const out = execFileSync(path.join(root, 'target/release/zkonnx'), ['verify', '--proof-path', 'proof.json', '--bundle-path', 'verifier.bundle',
    '--model-id', r.modelId], { cwd: work, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  assert.match(out, /verified: true/);
  assert.match(out, /pinned +the model ID matches/, 'the model ID the page shows is the one the CLI pins');
  // what to publish, in the words of the CLI and the verifier module (one source)
  const { trustText } = await import(pathToFileURL(path.join(root, 'pkg/npm/verifier/node.js')).href);
  assert.strictEqual(await text(page, '#publish'), trustText().publish);
  assert.strictEqual(await text(page, '#model_id'), r.modelId);
  // the verify link carries this proof, its bundle and the model ID (blob URLs: a new tab)
  const href = await page.$eval('#verify_link', (a) => a.href);
  assert.match(href, new RegExp(`verify\\.html\\?proof=blob[^&]+&bundle=blob[^&]+&model=${r.modelId}$`));
  const [linked] = await Promise.all([page.context().waitForEvent('page'), page.click('#verify_link')]);
  await linked.waitForFunction(() => window.__zkonnxVerify, null, { timeout: 60_000 });
  assert.strictEqual(await linked.evaluate(() => window.__zkonnxVerify.pinned), 'model', 'the linked verify page pins the model ID');
  assert.match(await text(linked, '#verdict'), /✔ VALID/);
  await linked.close();

  // 2. the same model in a new page: keys from IndexedDB (settings, calibration and setup
  //    cached: none of them runs); cancel during `prove`
  await page.reload();
  await dropFiles(page, '#drop', [['network.onnx', path.join(model, 'network.onnx')], ['input.json', path.join(model, 'input.json')]]);
  await page.waitForFunction(() => document.getElementById('picked').textContent.includes('input: loaded'));
  await watchStages();
  await page.click('#prove');
  await page.waitForFunction(() => document.getElementById('st_prove').dataset.state === 'running', null, { timeout: 300_000, polling: 100 });
  for (const st of ['settings', 'calibrate', 'setup']) assert.strictEqual(await text(page, `#st_${st} .t`), 'cached', st);
  assert.ok(!(await stageLog()).some((e) => ['settings', 'calibrate', 'setup'].includes(e.stage) && e.state === 'running'), 'cached keys: no calibration, no setup');
  await page.click('#cancel');
  assert.match(await text(page, '#error'), /Cancelled/);
  // the cancelled stage is marked so, distinct from done and failed; later ones stay pending
  assert.deepStrictEqual(await page.$eval('#st_prove', (e) => [e.dataset.state, e.className, e.querySelector('.t').textContent]), ['cancelled', 'stage cancelled', 'cancelled']);
  assert.strictEqual(await page.$eval('#st_verify', (e) => e.dataset.state), 'pending');
  await page.screenshot({ path: path.join(shots, 'prove-cancelled.png'), fullPage: true });
  assert.strictEqual(await page.$eval('#prove', (b) => b.disabled), false);
  // the same model again: the ProverWorker starts a fresh Worker with the keys it holds (it
  // loads zkonnx, compiles and reads the SRS again; no setup) and proves
  await watchStages();
  await page.click('#prove');
  await page.waitForFunction(() => window.__zkonnxResult || !document.getElementById('error').classList.contains('hidden'), null, { timeout: 600_000, polling: 500 });
  assert.ok(!(await visible(page, '#error')), await text(page, '#error'));
  const again = await stageLog();
  assert.ok(['load', 'compile', 'srs', 'prove', 'verify'].every((st) => again.some((e) => e.stage === st && e.state === 'done')), JSON.stringify(again));
  assert.ok(!again.some((e) => e.stage === 'setup' && e.state === 'running'), 'after a cancel: no setup again');
  assert.match(await text(page, '#verdict'), /verified in this tab/);
  // another model: a bundled example proves
  await page.evaluate(() => { window.__zkonnxResult = undefined; });
  await page.selectOption('#example', 'mlp');
  await page.waitForFunction(() => document.getElementById('picked').textContent.includes('example'));
  await page.click('#prove');
  await page.waitForFunction(() => window.__zkonnxResult, null, { timeout: 600_000, polling: 500 });
  assert.ok(!(await visible(page, '#error')));
  assert.strictEqual(await text(page, '#threads'), ' (2 threads)', 'a new worker after cancel: the thread count once');

  // 3. a model with an unsupported op: the op is named
  await dropFiles(page, '#drop', [['model.onnx', path.join(unsupported, 'network.onnx')], ['input.json', path.join(unsupported, 'input.json')]]);
  await page.click('#prove');
  await page.waitForFunction(() => !document.getElementById('error').classList.contains('hidden'), null, { timeout: 300_000, polling: 200 });
  const unsup = await text(page, '#error');
  assert.match(unsup, /Hardmax/, unsup);
  // the stage that failed is marked failed; the supported ops are one click away
  const failed = await page.$$eval('#stages .stage', (els) => els.filter((e) => e.dataset.state === 'failed').map((e) => [e.id, e.className, e.querySelector('.t').textContent]));
  assert.deepStrictEqual(failed, [['st_settings', 'stage failed', 'failed']]);
  assert.strictEqual(await page.$eval('#ops_link', (a) => new URL(a.href).pathname), '/ops.html');
  const ops = await (await fetch(`${app}/ops.html`)).text();
  assert.match(ops, /Softmax/);
  assert.match(ops, /TreeEnsembleClassifier/);
  await page.screenshot({ path: path.join(shots, 'prove-failed.png'), fullPage: true });
  console.log(`unsupported op shown: ${unsup.split('\n')[0]}`);

  // nothing left the machine: every request went to the app's origin, as a GET
  for (const q of requests) {
    assert.ok(q.url.startsWith(app + '/') || q.url.startsWith('blob:') || q.url.startsWith('data:'), `request to ${q.url}`);
    assert.ok(['GET', 'HEAD'].includes(q.method) && !q.body, `${q.method} ${q.url} carries a body`);
  }
  console.log(`prover page: ok (${requests.length} requests, all same-origin GETs of static files)`);

  // 4. verify page, on a static host without COOP/COEP
  const plain = await serve(path.join(root, 'www/dist'), { isolate: false });
  try {
    const v = await ctx.newPage();
    // the link carries the model ID the prover page published
    assert.strictEqual(r.commitment ?? null, null, 'committed params by default: no params commitment in the proof');
    assert.match(r.modelId ?? '', /^0x[0-9a-f]{64}$/, 'the prover page shows the model ID');
    await v.goto(`${plain.url}/verify.html?model=${r.modelId}`);
    assert.strictEqual(await v.evaluate(() => self.crossOriginIsolated), false);
    await dropFiles(v, '#drop', [['proof.json', path.join(work, 'proof.json')], ['verifier.bundle', path.join(work, 'verifier.bundle')]]);
    await v.waitForFunction(() => window.__zkonnxVerify, null, { timeout: 60_000 });
    assert.deepStrictEqual(await v.evaluate(() => window.__zkonnxVerify.ok), true);
    assert.match(await text(v, '#verdict'), /VALID/);
    assert.match(await text(v, '#srs'), /UNSAFE development SRS/);
    assert.strictEqual(await v.evaluate(() => window.__zkonnxVerify.pinned), 'model', 'the model ID from the link matches');
    assert.match(await text(v, '#pinned'), /the model ID matches/);
    assert.strictEqual(await text(v, '#model_id'), r.modelId);
    assert.match(await text(v, '#meaning'), /params committed/);
    assert.match(await text(v, '#commitment'), /the params are committed/);
    // the verdict and outputs first; the public inputs (784 pixels) folded under a summary
    assert.match(await text(v, '#inputs_summary'), /^public inputs: 784 values/);
    assert.strictEqual(await v.$eval('#inputs_box', (d) => d.open), false);
    assert.strictEqual(await v.$$eval('#outputs tr', (rows) => rows.length), 1 + 10, 'the table under the verdict holds the 10 outputs');
    await v.screenshot({ path: path.join(shots, 'verify.png'), fullPage: true });
    const bad = structuredClone(r.proof);
    const last = bad.instances[0].length - 1; // a public output (row 0 is the layout digest)
    const h = bad.instances[0][last];
    bad.instances[0][last] = h.replace(/^(0x)?./, (m) => m.slice(0, -1) + (parseInt(m.slice(-1), 16) ^ 1).toString(16));
    fs.writeFileSync(path.join(work, 'tampered.json'), JSON.stringify(bad));
    await v.evaluate(() => { window.__zkonnxVerify = undefined; });
    await dropFiles(v, '#drop', [['tampered.json', path.join(work, 'tampered.json')]]);
    await v.waitForFunction(() => window.__zkonnxVerify, null, { timeout: 60_000 });
    assert.strictEqual(await v.evaluate(() => window.__zkonnxVerify.ok), false);
    assert.match(await text(v, '#verdict'), /INVALID/);
    // an expected params commitment: the valid proof (committed params: it has none) is rejected
    await v.evaluate(() => { window.__zkonnxVerify = undefined; });
    await dropFiles(v, '#drop', [['proof.json', path.join(work, 'proof.json')]]);
    await v.waitForFunction(() => window.__zkonnxVerify, null, { timeout: 60_000 });
    await v.evaluate(() => { window.__zkonnxVerify = undefined; });
    await v.fill('#expect_commitment', '0x' + '1'.repeat(64));
    await v.waitForFunction(() => window.__zkonnxVerify, null, { timeout: 60_000 });
    assert.match(await v.evaluate(() => window.__zkonnxVerify.mismatch), /^paramCommitment: this proof has no params commitment/);
    assert.match(await text(v, '#verdict'), /REJECTED/);
    // the same model with keys from another SRS: "different keys", not "another model"
    const cli = path.join(work, 'cli');
    const zkonnx = path.join(root, 'target/release/zkonnx');
    execFileSync(zkonnx, ['e2e', model, '--work-dir', cli], { stdio: 'ignore' });
    const k = JSON.parse(fs.readFileSync(path.join(cli, 'settings.json'), 'utf8')).run_args.logrows;
    execFileSync(zkonnx, ['gen-srs', '--srs-path', path.join(work, 'other.srs'), '--logrows', String(k), '--seed', '7'], { stdio: 'ignore' });
    execFileSync(zkonnx, ['setup', '-M', path.join(cli, 'model.compiled'), '--srs-path', path.join(work, 'other.srs'),
      '--vk-path', path.join(work, 'other.vk'), '--pk-path', path.join(work, 'other.pk'), '--bundle-path', path.join(work, 'other.bundle')], { stdio: 'ignore' });
    await v.fill('#expect_commitment', '');
    await v.fill('#expect_model', '');
    await v.evaluate(() => { window.__zkonnxVerify = undefined; });
    await dropFiles(v, '#drop', [['proof.json', path.join(cli, 'proof.json')], ['other.bundle', path.join(work, 'other.bundle')]]);
    await v.waitForFunction(() => window.__zkonnxVerify, null, { timeout: 60_000 });
    assert.strictEqual(await v.evaluate(() => window.__zkonnxVerify.ok), false);
    assert.match(await text(v, '#verdict'), /INVALID with this bundle: the proof was made with different keys/);
    // its own bundle: valid (the hint changes nothing a verifier accepts)
    await v.evaluate(() => { window.__zkonnxVerify = undefined; });
    await dropFiles(v, '#drop', [['verifier.bundle', path.join(cli, 'verifier.bundle')]]);
    await v.waitForFunction(() => window.__zkonnxVerify, null, { timeout: 60_000 });
    assert.strictEqual(await v.evaluate(() => window.__zkonnxVerify.ok), true);
    // files linked from another origin without CORS headers: the error names CORS
    const other = await serve(cli, { isolate: false });
    try {
      await v.goto(`${plain.url}/verify.html?proof=${encodeURIComponent(other.url + '/proof.json')}&bundle=${encodeURIComponent(other.url + '/verifier.bundle')}`);
      await v.waitForFunction(() => !document.getElementById('error').classList.contains('hidden'), null, { timeout: 60_000 });
      const msg = await text(v, '#error');
      assert.match(msg, /another origin .*Access-Control-Allow-Origin.*CORS/s, msg);
    } finally {
      other.server.close();
    }
    console.log('verify page without COOP/COEP: valid proof VALID with the linked model ID, tampered INVALID, an expected params commitment REJECTED, keys from another SRS "different keys", a cross-origin link names CORS');
  } finally {
    plain.server.close();
  }
} finally {
  await ctx.close();
  process.kill(-preview.pid);
}
console.log(`www app: ok; screenshots in ${path.relative(root, shots)}/`);
