// The whole pipeline in Node through the single-threaded WebAssembly build (pkg/node):
// ONNX -> settings -> calibrate -> compile -> setup -> witness -> mock -> prove -> verify, on a
// bundled example; then bad inputs give JS Errors with clear messages and the module stays usable.
// Usage: node tests/js/node_pipeline.cjs [examples/lenet]
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const zk = require(process.env.ZKONNX_PKG || "../../pkg/node/zkonnx.js");

const dir = process.argv[2] || path.join(__dirname, '../../examples/lenet');
const onnx = fs.readFileSync(path.join(dir, 'network.onnx'));
const input = JSON.parse(fs.readFileSync(path.join(dir, 'input.json'), 'utf8'));

const t0 = performance.now();
const lap = (what) => console.log(`${what.padEnd(20)} ${((performance.now() - t0) / 1000).toFixed(2)} s`);
let settings = zk.genSettings(onnx, { input_visibility: 'Private', output_visibility: 'Public' });
settings = zk.calibrateSettings(onnx, settings, input, 'resources');
lap('calibrate');
const compiled = zk.compileCircuit(onnx, settings);
const srs = zk.genSrs(settings.run_args.logrows, 1);
const keys = zk.setup(compiled, srs);
lap('setup');
const witness = zk.genWitness(compiled, input);
assert.strictEqual(zk.mock(compiled, witness), true);
const proof = zk.prove(compiled, witness, keys.pk, srs);
lap('prove');
assert.ok(proof.hex_proof.startsWith('0x'));
assert.strictEqual(zk.verify(proof, settings, keys.vk, srs), true);
lap('verify');
console.log('outputs', JSON.stringify(witness.pretty_elements.rescaled_outputs));

// a changed public output does not verify
const bad = JSON.parse(JSON.stringify(proof));
bad.instances[0][0] = zk.floatToFelt(zk.feltToFloat(bad.instances[0][0], settings.run_args.input_scale) + 1, settings.run_args.input_scale);
assert.strictEqual(zk.verify(bad, settings, keys.vk, srs), false);

// bad input: an Error naming the cause, and the module keeps working
const throwsWith = (f, re) => assert.throws(f, (e) => e instanceof Error && re.test(e.message));
throwsWith(() => zk.genSettings(new Uint8Array([1, 2, 3]), undefined), /ONNX/);
throwsWith(() => zk.genWitness(compiled, { input_data: [[0.5, 0.25]] }), /values, the model expects/);
throwsWith(() => zk.prove(compiled, witness, keys.pk.slice(0, 100), srs), /proving key/);
throwsWith(() => zk.verify(proof, settings, keys.vk.slice(0, 10), srs), /verifying key/);
assert.strictEqual(zk.verify(proof, settings, keys.vk, srs), true);
assert.strictEqual(zk.feltToFloat(zk.floatToFelt(-1.5, 7), 7), -1.5);
console.log('node pipeline: ok');
