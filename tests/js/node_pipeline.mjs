// The whole pipeline in Node through the npm package's loader: ONNX -> settings -> calibrate ->
// compile -> setup -> witness -> mock -> prove -> verify, threaded (worker_threads) or not.
// Cross-checked with the native CLI on the same model: same settings and outputs, the Node
// proof verifies natively, the native proof verifies in Node. Then bad input gives Errors with
// clear messages, and an internal abort (a panic) becomes an Error too; unknown option keys are
// Errors listing the valid ones.
// Usage: node tests/js/node_pipeline.mjs MODEL_DIR THREADS   (ZKONNX_PKG: the package folder,
// default pkg/npm)
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(process.argv[2] || path.join(root, 'examples/lenet'));
const threads = Number(process.argv[3] || 1);
const pkg = path.resolve(process.env.ZKONNX_PKG || path.join(root, 'pkg/npm'));
const { load, Prover } = await import(pathToFileURL(path.join(pkg, 'node.js')).href);
const zk = await load({ threads });
assert.strictEqual(zk.numThreads(), threads);
assert.strictEqual(zk.threadsUsed(), threads, 'every worker thread runs WebAssembly');

// native reference: the CLI's whole pipeline on the same model
const bin = path.join(root, 'target/release/zkonnx');
const nat = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-native-'));
execFileSync(bin, ['e2e', dir, '--work-dir', nat, '--input-visibility', 'private', '--output-visibility', 'public'], { stdio: 'ignore' });
const natJson = (f) => JSON.parse(fs.readFileSync(path.join(nat, f), 'utf8'));
const natSettings = natJson('settings.json');
const srs = new Uint8Array(fs.readFileSync(path.join(nat, `kzg${natSettings.run_args.logrows}.srs`)));

const onnx = new Uint8Array(fs.readFileSync(path.join(dir, 'network.onnx')));
const input = JSON.parse(fs.readFileSync(path.join(dir, 'input.json'), 'utf8'));
const t0 = performance.now();
const lap = (what) => console.log(`  ${what.padEnd(10)} ${((performance.now() - t0) / 1000).toFixed(2)} s`);
let settings = zk.genSettings(onnx, { input_visibility: 'Private', output_visibility: 'Public' });
settings = zk.calibrateSettings(onnx, settings, input, 'resources');
assert.deepStrictEqual(settings.run_args, natSettings.run_args, 'calibrated run_args equal the CLI\'s');
const compiled = zk.compileCircuit(onnx, settings);
const keys = zk.setup(compiled, zk.loadSrs(srs, settings.run_args.logrows));
lap('setup');
const witness = zk.genWitness(compiled, input);
assert.deepStrictEqual(witness.pretty_elements.rescaled_outputs, natJson('witness.json').pretty_elements.rescaled_outputs, 'outputs equal the CLI\'s');
assert.strictEqual(zk.mock(compiled, witness), true);
const proof = zk.prove(compiled, witness, keys.pk, srs);
lap('prove');
assert.strictEqual(zk.verify(proof, settings, keys.vk, srs), true);
const bad = structuredClone(proof);
const os_ = settings.model_output_scales[0];
const last = bad.instances[0].length - 1; // a public output (row 0 is the layout digest)
bad.instances[0][last] = zk.floatToFelt(zk.feltToFloat(bad.instances[0][last], os_) + 1, os_);
assert.strictEqual(zk.verify(bad, settings, keys.vk, srs), false, 'a changed public output does not verify');

// the Node proof verifies with the CLI; the CLI's proof verifies here
fs.writeFileSync(path.join(nat, 'node-proof.json'), JSON.stringify(proof));
fs.writeFileSync(path.join(nat, 'node-vk.key'), keys.vk);
const out = execFileSync(bin, ['verify', '-S', path.join(nat, 'settings.json'), '--proof-path', path.join(nat, 'node-proof.json'),
  '--vk-path', path.join(nat, 'node-vk.key'), '--srs-path', path.join(nat, `kzg${natSettings.run_args.logrows}.srs`)]).toString();
assert.match(out, /verified/);
assert.strictEqual(zk.verify(natJson('proof.json'), natSettings, new Uint8Array(fs.readFileSync(path.join(nat, 'vk.key'))), srs), true);

// bad input: an Error naming the cause, and the module keeps working
const throwsWith = (f, re) => assert.throws(f, (e) => e instanceof Error && re.test(e.message));
throwsWith(() => zk.genSettings(new Uint8Array([1, 2, 3]), undefined), /ONNX/);
throwsWith(() => zk.genWitness(compiled, { input_data: [[0.5, 0.25]] }), /values, the model expects/);
throwsWith(() => zk.prove(compiled, witness, keys.pk.slice(0, 100), srs), /proving key/);
// a circuit the module's 4 GiB cannot hold: refused before the key is read, with what it needs
const huge = zk.compileCircuit(onnx, { ...settings, run_args: { ...settings.run_args, logrows: 22 } });
throwsWith(() => zk.prove(huge, zk.genWitness(huge, input), keys.pk, srs), /proving of this circuit \(logrows 22\) needs about \d+ MiB of memory, more than the 4096 MiB a WebAssembly module addresses/);
throwsWith(() => zk.setup(huge, srs), /setup of this circuit \(logrows 22\) needs about \d+ MiB/);
throwsWith(() => zk.verify(proof, settings, keys.vk.slice(0, 10), srs), /verifying key/);
throwsWith(() => zk.loadSrs(srs.slice(0, 1000), settings.run_args.logrows), /SRS/);
// an unknown runArgs key is refused with the valid ones (a camelCase key: its snake_case name)
throwsWith(() => zk.genSettings(onnx, { inputVisibility: 'Public' }), /unknown key `inputVisibility` \(did you mean `input_visibility`\?\); the keys are: .*param_visibility/);
throwsWith(() => zk.genSettings(onnx, { logrows: 'x' }), /^runArgs: invalid type/); // one "Error:", the JS one
// NaN and ±Infinity are named as such (JSON would have made them null)
const withValue = (v) => ({ input_data: [input.input_data[0].map((x, i) => (i === 1 ? v : x))] });
throwsWith(() => zk.genWitness(compiled, withValue(NaN)), /value NaN at position 1 is not a finite number/);
throwsWith(() => zk.genWitness(compiled, withValue(-Infinity)), /value -inf at position 1 is not a finite number/);
// the long stages' estimates, from the circuit's size, for this module and its threads
const est = zk.estimateStages(compiled);
for (const k of ['setup', 'witness', 'prove', 'verify']) assert.ok(Number.isFinite(est[k]) && est[k] > 0, `estimate ${k}: ${est[k]}`);
assert.ok(est.prove > est.witness, JSON.stringify(est));
assert.strictEqual(zk.verify(proof, settings, keys.vk, srs), true);

// the high-level Prover: progress per stage, keys reused
const stages = [];
// (the keys above were made for a private input and, committed params, with the compiled
// model's salt: the same run args and salt here)
const runArgs = { input_visibility: 'Private', output_visibility: 'Public' };
const prover = await Prover.create(zk, onnx, { calibration: input, srs, keys, runArgs, salt: zk.paramSalt(compiled), onProgress: (s, f, i) => stages.push([s, f, i]) });
const again = await prover.prove(input, { onProgress: (s, f, i) => stages.push([s, f, i]) });
assert.strictEqual(prover.verify(again.proof), true);
assert.ok(stages.some(([s, f]) => s === 'prove' && f === 1));
// the long stages come with an estimate when they start, and their seconds when done
const proveStart = stages.find(([s, , i]) => s === 'prove' && !i.done);
const proveEnd = stages.find(([s, , i]) => s === 'prove' && i.done);
assert.ok(proveStart[2].estimate > 0 && proveEnd[2].seconds > 0 && proveEnd[2].estimate === proveStart[2].estimate, JSON.stringify([proveStart, proveEnd]));
assert.ok(stages.filter(([s]) => s === 'compile').every(([, , i]) => i.estimate === undefined), 'short stages: no estimate');
console.log(`  prove estimated ${proveStart[2].estimate.toFixed(2)} s, took ${proveEnd[2].seconds.toFixed(2)} s`);
// it carries what a verifier needs: the bundle and the model ID. Params are committed by
// default: their salted commitments are in the keys (so in the bundle and the model ID), and no
// params commitment is a public value
assert.ok(prover.bundle instanceof Uint8Array && prover.bundle.length > 0, 'Prover keeps the bundle');
assert.strictEqual(prover.settings.run_args.param_visibility, 'Committed', 'committed params by default');
assert.strictEqual(prover.commitment, null);
assert.strictEqual(again.proof.pretty_public_inputs.param_commitment ?? null, null, 'no params commitment in the proof');
assert.strictEqual(prover.salt, zk.paramSalt(compiled), 'committed params are salted: the salt given');
assert.match(prover.modelId, /^0x[0-9a-f]{64}$/);
const same = await Prover.create(zk, onnx, { calibration: input, srs, keys, runArgs, salt: prover.salt });
assert.strictEqual(same.modelId, prover.modelId, 'the same salt gives the same model ID');
assert.strictEqual(same.verify((await same.prove(input)).proof), true, 'the same salt proves with the same keys');
// the settings of an earlier run, used as they are: no settings or calibration stage
const staged = [];
const resumed = await Prover.create(zk, onnx, { srs, settings: prover.settings, keys, salt: prover.salt, onProgress: (s) => staged.push(s) });
assert.ok(!staged.includes('settings') && !staged.includes('calibrate') && !staged.includes('setup'), staged.join());
assert.strictEqual(resumed.modelId, prover.modelId);
const resumedProof = (await resumed.prove(input)).proof;
assert.strictEqual(resumed.verify(resumedProof), true);
// the SRS as a function of logrows (sync or async), called once calibration has fixed k
const asked = [];
const events = [];
const byK = await Prover.create(zk, onnx, {
  calibration: input, keys, runArgs, salt: prover.salt, onProgress: (s, f, i) => events.push([s, f, i]),
  srs: async (k) => { asked.push(k); return srs; },
});
assert.deepStrictEqual(asked, [prover.settings.run_args.logrows], 'srs(k) called once, with the calibrated logrows');
assert.strictEqual(byK.modelId, prover.modelId);
assert.strictEqual((await Prover.create(zk, onnx, { settings: prover.settings, keys, salt: prover.salt, srs: () => srs.buffer.slice(srs.byteOffset, srs.byteOffset + srs.byteLength) })).modelId, prover.modelId, 'srs(k) may give an ArrayBuffer');
await assert.rejects(() => Prover.create(zk, onnx, { settings: prover.settings, keys, srs: () => null }), /`srs\(\d+\)` gave null, not the SRS file's bytes/);
// progress: stages without an estimate say so; once compiled, every long stage's estimate
const srsStart = events.find(([s, , i]) => s === 'srs' && !i.done);
assert.ok(srsStart[2].indeterminate === undefined && srsStart[2].estimate > 0, `the srs stage is estimated (estimateSrs): ${JSON.stringify(srsStart)}`);
assert.ok(zk.estimateSrs(srs.subarray(0, 1000), 3) === 0, 'estimateSrs of bytes that are no SRS: 0');
const compiledEv = events.find(([s, , i]) => s === 'compile' && i.done);
assert.deepStrictEqual(Object.keys(compiledEv[2].estimates ?? {}).sort(), ['prove', 'setup', 'verify', 'witness'], JSON.stringify(compiledEv));
assert.ok(events.every(([, f, i]) => i.done || (i.end > f && i.end <= 1)), 'a starting stage says the fraction it ends at');
// verify with progress (synchronous), the float model's outputs, the memory
const verifyEv = [];
const { proof: byKProof, outputs: byKOutputs } = await byK.prove(input);
assert.strictEqual(byK.verify(byKProof, { onProgress: (s, f, i) => verifyEv.push([s, f, i]) }), true);
assert.deepStrictEqual(verifyEv.map(([s, f, i]) => [s, f, i.done]), [['verify', 0, false], ['verify', 1, true]]);
assert.ok(verifyEv[0][2].estimate > 0 && verifyEv[1][2].seconds > 0, JSON.stringify(verifyEv));
const floats = byK.floatOutputs(input);
assert.ok(floats.length === byKOutputs.length && floats.every((o, i) => o.length === byKOutputs[i].length), 'floatOutputs: the outputs\' shapes');
assert.ok(byK.memoryBytes() > 0);
assert.throws(() => byK.verify(byKProof, { onprogress: () => {} }), /prover\.verify: unknown option `onprogress` \(did you mean `onProgress`\?\)/);
// the model ID to publish: the same keys and salt give the same one, and the light verifier
// pins it (the bundle is rebuilt from the vk handed in, so a stale cached bundle is not used)
assert.match(prover.modelId, /^0x[0-9a-f]{64}$/);
assert.strictEqual(same.modelId, prover.modelId);
assert.strictEqual(resumed.modelId, prover.modelId);
const light = await import(pathToFileURL(path.join(pkg, 'verifier/node.js')).href);
assert.strictEqual(light.verify(resumedProof, resumed.bundle, { modelId: prover.modelId }), true);
assert.strictEqual(light.verifyReport(resumedProof, resumed.bundle, { modelId: prover.modelId }).pinned, 'model');
const staleBundle = Uint8Array.from(keys.bundle);
staleBundle[8] = 2; // a bundle of an older format in the cache
const fresh = await Prover.create(zk, onnx, { srs, settings: prover.settings, keys: { ...keys, bundle: staleBundle }, salt: prover.salt });
assert.strictEqual(fresh.modelId, prover.modelId, 'the cached bundle is rebuilt from its vk');
await assert.rejects(() => Prover.create(zk, onnx, { srs, settings: prover.settings, calibration: input }), /`settings` are used as they are: drop `calibration`/);
// unknown option keys: an Error naming them and listing the valid ones
await assert.rejects(() => load({ thread: 2 }), /load: unknown option `thread` \(did you mean `threads`\?\); the valid options are threads, single, wideArithmetic/);
await assert.rejects(() => Prover.create(zk, onnx, { srs, calibration: input, runargs: runArgs }), /unknown option `runargs` \(did you mean `runArgs`\?\); the valid options are calibration, target, srs, runArgs, settings, keys, salt, onProgress, signal/);
await assert.rejects(() => resumed.prove(input, { onprogress: () => {} }), /unknown option `onprogress` \(did you mean `onProgress`\?\); the valid options are onProgress, signal/);
// cached keys of other settings (here: a public input) are caught at the first proof, not
// handed back as a proof that fails later
const other = await Prover.create(zk, onnx, { calibration: input, srs, keys, runArgs: { input_visibility: 'Public', output_visibility: 'Public' } });
await assert.rejects(() => other.prove(input), /not made for this model, these settings and this params salt/);
// committed params: the keys with another salt (none given: a fresh one) are caught the same way
const otherSalt = await Prover.create(zk, onnx, { calibration: input, srs, keys, runArgs });
assert.notStrictEqual(otherSalt.salt, prover.salt);
await assert.rejects(() => otherSalt.prove(input), /this params salt .*pass the `salt` they were made with/);

// an internal abort: a clear Error, never a bare `RuntimeError: unreachable`
assert.throws(() => zk.__panicForTests('deliberate test panic'), (e) => e instanceof Error && !(e instanceof WebAssembly.RuntimeError) && /deliberate test panic/.test(e.message));
if (threads === 1) {
  // the single-threaded module restarts and works on
  await zk.ready();
  assert.strictEqual(zk.verify(proof, settings, keys.vk, srs), true);
} else {
  assert.throws(() => zk.numThreads(), /load it again/);
}
console.log(`node pipeline (${threads} thread${threads > 1 ? 's' : ''}): ok, outputs ${JSON.stringify(witness.pretty_elements.rescaled_outputs)}`);
fs.rmSync(nat, { recursive: true, force: true });
