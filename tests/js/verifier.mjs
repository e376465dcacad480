// zkonnx/verifier (the light verifier module) in Node and in Debian's Chromium on a page served
// WITHOUT COOP/COEP: for each model, the native CLI's proof verifies against the bundle `zkonnx
// setup` wrote; a tampered proof, a changed public output and another model's bundle are
// rejected; malformed bytes give Errors (and the module works on); `inspect` gives the outputs.
// Usage: node tests/js/verifier.mjs MODEL_DIR [MODEL_DIR ...]   (after scripts/pack.sh)
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from './serve.mjs';
import { launch, run } from './chromium.mjs';
import { checks } from './verifier_checks.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const models = process.argv.slice(2).map((d) => path.resolve(d));
const works = [];
for (const dir of models) {
  const work = path.join(root, 'target/verifier-js', path.basename(dir));
  fs.rmSync(work, { recursive: true, force: true });
  execFileSync(path.join(root, 'target/release/zkonnx'), ['e2e', dir, '--work-dir', work], { stdio: 'ignore' });
  works.push(work);
}

function assertChecks(name, r) {
  const fail = (o) => o.value === false || (o.error !== undefined && !/^not an Error/.test(o.error));
  assert.strictEqual(r.valid, true, `${name}: valid proof`);
  assert.strictEqual(r.validFromText, true, `${name}: proof.json as text`);
  assert.strictEqual(r.validFromBytes, true, `${name}: proof.json as bytes`);
  assert.deepStrictEqual(r.tampered, { value: false }, `${name}: tampered proof`);
  assert.deepStrictEqual(r.changedOutput, { value: false }, `${name}: changed public output`);
  // another model's bundle: false, or (when the proof does not even have that model's proof
  // length) an Error saying so
  assert.ok(r.otherBundle.value === false || /a proof of another model/.test(r.otherBundle.error), `${name}: another model's bundle: ${JSON.stringify(r.otherBundle)}`);
  assert.match(r.fingerprint, /^[0-9a-f]{64}$/);
  assert.strictEqual(r.info.fingerprint, r.fingerprint);
  assert.deepStrictEqual(r.info.outputs, r.expectedOutputs, `${name}: inspect's outputs`);
  // committed params by default: no params commitment among the public values
  assert.strictEqual(r.info.params, 'committed', `${name}: committed params by default`);
  assert.strictEqual(r.info.paramCommitment, null, `${name}: committed params: no params commitment`);
  assert.strictEqual(r.info.paramCommitment, r.expectedCommitment, `${name}: the commitment the CLI printed`);
  assert.strictEqual(r.info.modelId, r.expectedModelId, `${name}: the model ID the CLI printed`);
  assert.deepStrictEqual(r.rightCommitment, { value: true }, `${name}: verify with the right commitment`);
  assert.deepStrictEqual(r.wrongCommitment, { value: false }, `${name}: verify with another commitment`);
  assert.match(r.unknownOption.error ?? '', /unknown option `paramcommitment`/, `${name}: unknown option`);
  assert.strictEqual(r.info.devSrs, true, `${name}: a development SRS is labelled`);
  assert.match(r.info.srs, /UNSAFE development SRS/);
  const m = r.malformed;
  assert.match(m.truncatedBundle.error, /^verification bundle: .*truncated/, name);
  assert.match(m.garbageBundle.error, /^verification bundle: not a zkonnx verification bundle/, name);
  assert.match(m.truncatedProof.error, /^proof: 100 bytes, while proofs of this bundle's model have \d+/, name);
  assert.match(m.notJson.error, /^proof: not JSON/, name);
  assert.match(m.noProof.error, /hex_proof/, name);
  assert.ok(Object.values(m).every(fail));
  assert.strictEqual(r.validAfterErrors, true);
}

// Node
const pkg = path.resolve(process.env.ZKONNX_PKG || path.join(root, 'pkg/npm'));
const zk = await import(pathToFileURL(path.join(pkg, 'verifier/node.js')).href);
const load = (w) => ({
  proof: JSON.parse(fs.readFileSync(path.join(w, 'proof.json'), 'utf8')),
  bundle: new Uint8Array(fs.readFileSync(path.join(w, 'verifier.bundle'))),
});
// the commitment and model ID `zkonnx commit` prints for a work dir (the model, settings, salt
// and bundle e2e wrote)
const cliCommit = (dir, w) => {
  const out = execFileSync(path.join(root, 'target/release/zkonnx'),
    ['commit', '-M', path.join(dir, 'network.onnx'), '-S', path.join(w, 'settings.json'), '--salt-path', path.join(w, 'network.salt'),
      '--bundle-path', path.join(w, 'verifier.bundle')], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  // ("param commitment none (…)" with committed params)
  return { commitment: /^param commitment (0x[0-9a-f]{64})$/m.exec(out)?.[1] ?? null, modelId: /^model id (0x[0-9a-f]{64})$/m.exec(out)[1] };
};
const all = works.map(load);
const summary = {};
all.forEach((m, i) => {
  const name = path.basename(works[i]);
  const r = checks(zk, m, all[(i + 1) % all.length]);
  ({ commitment: r.expectedCommitment, modelId: r.expectedModelId } = cliCommit(models[i], works[i]));
  assertChecks(`node ${name}`, r);
  summary[name] = { node_ms: Number(r.medianMs.toFixed(2)) };
});
console.log('light verifier in Node: ok');

// Chromium, page without COOP/COEP
const { server, url } = await serve(root, { isolate: false });
const ctx = await launch();
try {
  const rel = works.map((w) => '/' + path.relative(root, w)).join(',');
  const { result: r } = await run(ctx, `${url}/tests/js/www/verify.html?work=${rel}`);
  assert.ok(!r.error, r.error);
  assert.strictEqual(r.crossOriginIsolated, false);
  for (const [w, c] of Object.entries(r.models)) {
    const name = path.basename(w);
    ({ commitment: c.expectedCommitment, modelId: c.expectedModelId } = cliCommit(models[works.findIndex((x) => x.endsWith(name))], works.find((x) => x.endsWith(name))));
    assertChecks(`browser ${name}`, c);
    summary[name].browser_ms = Number(c.medianMs.toFixed(2));
    summary[name].fingerprint = c.fingerprint.slice(0, 16);
  }
} finally {
  await ctx.close();
  server.close();
}
console.log(JSON.stringify(summary));
console.log('light verifier in Chromium without COOP/COEP: ok');

// The JS commitment helper equals the Rust one (the circuit's): a proof of the first model with
// a hashed input; the page recomputes the input's commitment from the quantized input it knows,
// and the params commitment from the compiled model's parameters and salt.
{
  const dir = models[0];
  const w = path.join(root, 'target/verifier-js', `${path.basename(dir)}-hashed-input`);
  fs.rmSync(w, { recursive: true, force: true });
  execFileSync(path.join(root, 'target/release/zkonnx'), ['e2e', dir, '--work-dir', w, '--input-visibility', 'hashed', '--param-visibility', 'hashed'], { stdio: 'ignore' });
  const m = load(w);
  const info = zk.inspect(m.proof, m.bundle);
  assert.strictEqual(info.inputs.length, 0, 'a hashed input is not public');
  assert.strictEqual(info.inputCommitments.length, 1);
  const witness = JSON.parse(fs.readFileSync(path.join(w, 'witness.json'), 'utf8'));
  const ints = witness.pretty_elements.inputs[0].map(Number);
  assert.strictEqual(zk.commitment({ kind: 'input', values: ints, bundle: m.bundle }), info.inputCommitments[0], 'JS input commitment = the proof\'s');
  assert.strictEqual(witness.processed_inputs.poseidon_hash[0], info.inputCommitments[0], 'witness.json shows the same');
  const changed = [...ints];
  changed[0] += 1;
  assert.notStrictEqual(zk.commitment({ kind: 'input', values: changed, bundle: m.bundle }), info.inputCommitments[0]);
  const compiled = JSON.parse(fs.readFileSync(path.join(w, 'model.compiled'), 'utf8'));
  const params = compiled.graph.params.flatMap((p) => p.values);
  assert.strictEqual(zk.poseidon({ kind: 'params', values: params, salt: compiled.param_salt, bundle: m.bundle }), info.paramCommitment, 'JS params commitment = the proof\'s');
  assert.strictEqual(zk.verify(m.proof, m.bundle, { inputCommitment: info.inputCommitments[0], paramCommitment: info.paramCommitment }), true);
  assert.strictEqual(info.params, 'hashed');
  assert.strictEqual(zk.verify(m.proof, m.bundle, { paramCommitment: '0x' + '2'.repeat(64) }), false, 'hashed params: another commitment');
  console.log(`commitment helper in Node equals the circuit's (input ${ints.length} values, params ${params.length})`);
}

// Committed params (docs/committed-params.md): the light verifier module checks the link after
// the proof; a flipped byte of the link, or the link cut off, is not valid.
{
  const dir = models[0];
  const w = path.join(root, 'target/verifier-js', `${path.basename(dir)}-committed`);
  fs.rmSync(w, { recursive: true, force: true });
  execFileSync(path.join(root, 'target/release/zkonnx'), ['e2e', dir, '--work-dir', w, '--param-visibility', 'committed'], { stdio: 'ignore' });
  const m = load(w);
  assert.strictEqual(zk.verify(m.proof, m.bundle), true, 'committed params: valid');
  const info = zk.inspect(m.proof, m.bundle);
  assert.strictEqual(info.params, 'committed');
  assert.strictEqual(info.paramCommitment, null);
  const hex = m.proof.hex_proof;
  const flip = (h, i) => h.slice(0, i) + (h[i] === '0' ? '1' : '0') + h.slice(i + 1);
  for (const i of [hex.length - 1, hex.length - 129, hex.length - 200]) {
    let ok;
    try { ok = zk.verify({ ...m.proof, hex_proof: flip(hex, i) }, m.bundle); } catch { ok = false; }
    assert.strictEqual(ok, false, `committed params: a flipped link digit ${i} verified`);
  }
  assert.throws(() => zk.verify({ ...m.proof, hex_proof: hex.slice(0, hex.length - 256) }, m.bundle), /committed params' link/);
  console.log('committed params in Node: the link is checked');
}

