// The model ID against the attacks, in zkonnx/verifier (Node, the packed package) and on
// the web app's verify page (Chromium, served without COOP/COEP). The cases come from
// `ZKONNX_ATTACKS=DIR cargo test --release --test model_id` (tests/model_id.rs):
//   honest         the honest proof and bundle: valid with its model ID, "model" pinned
//   op_swapped     the same weights and salt, Relu patched to Tanh, its own setup
//   step_appended  the same weights and salt, a step appended to model.compiled
//   spoofed_bundle the honest proof, a bundle whose g2 = s·g2 = PPoT 0080's τ·G2
// A params commitment alone accepts the two other circuits, and every verifier says the circuit
// was NOT pinned; the model ID rejects them; the spoofed bundle never loads; an expectation
// present without a value is an Error. The statements are the CLI's, word for word, and the
// READMEs quote trustText().
// Usage: node tests/js/model_id.mjs DIR   (after scripts/pack.sh and scripts/www.sh)
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(process.argv[2] || path.join(root, 'target/attacks'));
const bin = path.join(root, 'target/release/zkonnx');
const names = ['honest', 'op_swapped', 'step_appended', 'spoofed_bundle'];
const cases = Object.fromEntries(names.map((n) => {
  const d = path.join(dir, n);
  return [n, {
    dir: d,
    proof: JSON.parse(fs.readFileSync(path.join(d, 'proof.json'), 'utf8')),
    bundle: new Uint8Array(fs.readFileSync(path.join(d, 'verifier.bundle'))),
    expect: JSON.parse(fs.readFileSync(path.join(d, 'expect.json'), 'utf8')),
  }];
}));
const { modelId, paramCommitment } = cases.honest.expect;

// Node: the packed package's light verifier
const pkg = path.resolve(process.env.ZKONNX_PKG || path.join(root, 'pkg/npm'));
const zk = await import(pathToFileURL(path.join(pkg, 'verifier/node.js')).href);
const throws = (f) => { try { f(); return null; } catch (e) { return e.message; } };

// the CLI's words for each pinning (zkonnx verify's `pinned` line)
const cliPinned = (c, flags) => {
  const r = spawnSync(bin, ['verify', '--proof-path', path.join(c.dir, 'proof.json'), '--bundle-path', path.join(c.dir, 'verifier.bundle'), ...flags], { encoding: 'utf8' });
  return { ok: r.status === 0, pinned: /^pinned\s+(.*)$/m.exec(r.stdout)?.[1] ?? null, stderr: r.stderr };
};

{
  const h = cases.honest;
  assert.strictEqual(zk.verify(h.proof, h.bundle, { modelId }), true, 'honest: valid with its model ID');
  const r = zk.verifyReport(h.proof, h.bundle, { modelId });
  assert.strictEqual(r.pinned, 'model');
  assert.strictEqual(r.info.modelId, modelId, 'inspect gives the same model ID');
  assert.strictEqual(r.statement, cliPinned(h, ['--model-id', modelId]).pinned, 'the CLI\'s words');
  const none = zk.verifyReport(h.proof, h.bundle);
  assert.strictEqual(none.pinned, 'nothing');
  assert.strictEqual(none.statement, cliPinned(h, []).pinned);
  assert.match(none.statement, /nothing published was compared/);
  assert.strictEqual(zk.verifyReport(h.proof, h.bundle, { paramCommitment }).pinned, 'weights-only');
  assert.strictEqual(zk.verify(h.proof, h.bundle, { modelId: '0x' + 'ab'.repeat(32) }), false, 'another model ID');
  // an expectation present without a value: an Error, never a match
  for (const bad of [{ modelId: undefined }, { modelId: null }, { modelId: '' }, { paramCommitment: undefined },
    { paramCommitment: null }, { fingerprint: undefined }, { outputCommitments: [undefined] }, { inputCommitment: null },
    { outputCommitments: [] }, { modelId: 42 }]) {
    const e = throws(() => zk.verify(h.proof, h.bundle, bad));
    assert.ok(e && /give the published value|empty list/.test(e), `${JSON.stringify(bad)} (${Object.keys(bad)}): ${e}`);
    const e2 = throws(() => zk.verifyReport(h.proof, h.bundle, bad));
    assert.strictEqual(e2, e);
  }
  assert.match(throws(() => zk.verify(h.proof, h.bundle, { modelid: modelId })) ?? '', /unknown option `modelid`/);
  assert.match(throws(() => zk.verify(h.proof, h.bundle, { modelId: '0x12' })) ?? '', /modelId: .*not 64 hex digits/);
  // public outputs have no commitment: a list of them is a mismatch, not a pass
  assert.strictEqual(zk.verify(h.proof, h.bundle, { outputCommitments: [paramCommitment] }), false);
}
for (const n of ['op_swapped', 'step_appended']) {
  const c = cases[n];
  // a commitment alone: valid, but the circuit is not pinned, in the CLI's words
  const weak = zk.verifyReport(c.proof, c.bundle, { paramCommitment });
  assert.strictEqual(weak.valid, true, `${n}: a valid proof with the honest commitment`);
  assert.strictEqual(weak.pinned, 'weights-only');
  assert.match(weak.statement, /circuit was NOT pinned/);
  const cli = cliPinned(c, ['--param-commitment', paramCommitment]);
  assert.ok(cli.ok);
  assert.strictEqual(weak.statement, cli.pinned, `${n}: the CLI's words`);
  // the model ID: rejected everywhere
  assert.strictEqual(zk.verify(c.proof, c.bundle, { modelId }), false, `${n}: rejected by the model ID`);
  const r = zk.verifyReport(c.proof, c.bundle, { modelId });
  assert.match(r.mismatch, /^modelId: MISMATCH/);
  assert.notStrictEqual(r.info.modelId, modelId);
  const strict = cliPinned(c, ['--model-id', modelId]);
  assert.ok(!strict.ok && /--model-id: MISMATCH/.test(strict.stderr), `${n}: the CLI rejects it: ${strict.stderr}`);
  console.log(`${n}: a commitment alone passes as "weights-only" (circuit NOT pinned); the model ID rejects it`);
}
{
  const s = cases.spoofed_bundle;
  for (const f of [() => zk.verify(s.proof, s.bundle, { modelId }), () => zk.inspect(s.proof, s.bundle), () => zk.fingerprint(s.bundle)]) {
    assert.match(throws(f) ?? '', /^verification bundle: SRS rejected: g2 is not the BN254 G2 generator/);
  }
  const cli = cliPinned(s, ['--model-id', modelId]);
  assert.ok(!cli.ok && /SRS rejected/.test(cli.stderr), cli.stderr);
  console.log('spoofed bundle (g2 = s·g2 = PPoT 0080): refused by zkonnx/verifier and the CLI');
}
// one wording: the READMEs quote trustText(), the CLI prints it
const { publish, pin } = zk.trustText();
for (const f of ['README.md', 'pkg-config/README.md']) {
  const md = fs.readFileSync(path.join(root, f), 'utf8');
  assert.ok(md.includes(pin), `${f} quotes what to pin`);
  assert.ok(md.includes(publish), `${f} quotes what to publish`);
}
const committed = spawnSync(bin, ['commit', '-M', path.join(root, 'target/e2e/mlp/model.compiled'), '--bundle-path', path.join(root, 'target/e2e/mlp/verifier.bundle')], { encoding: 'utf8' });
assert.ok(committed.status === 0 && committed.stderr.includes(publish), `zkonnx commit prints what to publish: ${committed.stderr}`);
// the recipe of docs/trust.md (Python's hashlib only) gives zkonnx commit's lines
// (committed params, the default: no params commitment, the bundle's fingerprint covers them)
const mlpCommitment = /^param commitment (0x[0-9a-f]{64})$/m.exec(committed.stdout)?.[1];
assert.ok(mlpCommitment || /^param commitment none \(params are committed/m.test(committed.stdout), committed.stdout);
const byHand = execFileSync('python3', [path.join(root, 'scripts/model_id.py'), path.join(root, 'target/e2e/mlp/verifier.bundle'),
  ...(mlpCommitment ? [mlpCommitment] : [])], { encoding: 'utf8' });
for (const line of byHand.trim().split('\n')) assert.ok(committed.stdout.includes(line), `${line} in\n${committed.stdout}`);
console.log('Node: honest valid with its model ID; nullish expectations are Errors; statements are the CLI\'s; READMEs quote trustText(); scripts/model_id.py = zkonnx commit');

// the verify page, on a static host without COOP/COEP: the app and the cases side by side
// (the app's assets are at absolute paths: the site root is the app's, the cases beside it)
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-model-id-'));
for (const f of fs.readdirSync(path.join(root, 'www/dist'))) fs.symlinkSync(path.join(root, 'www/dist', f), path.join(site, f));
fs.symlinkSync(dir, path.join(site, 'cases'));
const { server, url } = await serve(site, { isolate: false });
const ctx = await launch();
try {
  const page = await ctx.newPage();
  const open = async (n, query) => {
    await page.goto(`${url}/verify.html?proof=/cases/${n}/proof.json&bundle=/cases/${n}/verifier.bundle${query}`);
    await page.waitForFunction(() => window.__zkonnxVerify, null, { timeout: 60_000 });
    return page.evaluate(() => ({
      ...window.__zkonnxVerify,
      verdict: document.getElementById('verdict').textContent,
      pinnedText: document.getElementById('pinned').textContent,
      body: document.body.textContent,
      pinHelp: document.getElementById('pin_text').textContent,
      error: window.__zkonnxVerify.error ?? null,
    }));
  };
  let v = await open('honest', `&model=${modelId}`);
  assert.strictEqual(v.ok, true);
  assert.strictEqual(v.pinned, 'model');
  assert.match(v.verdict, /VALID/);
  assert.strictEqual(v.pinnedText, `✔ ${cliPinned(cases.honest, ['--model-id', modelId]).pinned}`, 'the page shows the CLI\'s words');
  assert.strictEqual(v.pinHelp, pin, 'the page says what to pin in the one wording');
  v = await open('honest', '');
  assert.strictEqual(v.ok, true);
  assert.strictEqual(v.pinned, 'nothing');
  assert.match(v.pinnedText, /nothing published was compared/);
  for (const n of ['op_swapped', 'step_appended']) {
    v = await open(n, `&model=${modelId}`);
    assert.strictEqual(v.ok, false, `${n}: rejected on the page`);
    assert.match(v.verdict, /REJECTED: a valid proof, but not of the expected model/);
    assert.match(v.pinnedText, /^modelId: MISMATCH/);
    v = await open(n, `&commitment=${paramCommitment}`);
    assert.strictEqual(v.ok, true);
    assert.strictEqual(v.pinned, 'weights-only');
    assert.match(v.pinnedText, /circuit was NOT pinned/);
    assert.ok(!/made with the committed model/.test(v.body), `${n}: the page never claims the committed model`);
    v = await open(n, `&model=${modelId}&commitment=${paramCommitment}`);
    assert.strictEqual(v.ok, false, `${n}: the model ID wins over a matching commitment`);
  }
  // a link whose ?model= is empty is broken, not "nothing expected"
  v = await open('honest', '&model=');
  assert.match(v.error ?? '', /\?model= is empty/);
  v = await open('spoofed_bundle', `&model=${modelId}`);
  assert.match(v.error ?? '', /SRS rejected: g2 is not the BN254 G2 generator/);
  assert.match(await page.$eval('#error', (e) => e.textContent), /SRS rejected/);
  console.log('verify page: honest VALID and pinned by ?model=; the two other circuits REJECTED by the model ID and "NOT pinned" with a commitment alone; the spoofed bundle refused');
} finally {
  await ctx.close();
  server.close();
}
console.log('model ID attacks: ok');
