// Proofs made in Chromium by the WebAssembly arithmetic (patches/: 32-bit limbs, the GLV
// batch-affine MSM) for every supported bench model, checked by the two
// verifiers that do not share that arithmetic: the native CLI (x86-64, stock halo2curves-axiom)
// and the light verifier module in Node (halo2curves 0.10). Each model: the CLI's whole pipeline
// (keys, SRS, bundle), then the page calibrates and compiles the model itself (with the CLI's
// params salt, which committed params' keys are made with), loads the CLI's keys and SRS and proves in a module Worker with 2 threads (module `mt`, or `mt-wide` with
// --wide in a Chromium started with --js-flags=--wasm-wide-arithmetic); the proof must verify
// natively and in the light verifier with the CLI's outputs, and fail both once an output moves.
// Usage: node tests/js/browser_proofs.mjs [--wide] MODEL_DIR [MODEL_DIR ...]
//   (inside the repository, after cargo build --release, scripts/wasm.sh, scripts/pack.sh)
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from './serve.mjs';
import { launch, run } from './chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wide = process.argv.includes('--wide');
const models = process.argv.slice(2).filter((a) => !a.startsWith('--')).map((d) => path.resolve(d));
assert.ok(models.length > 0, 'usage: node tests/js/browser_proofs.mjs [--wide] MODEL_DIR [...]');
const bin = path.join(root, 'target/release/zkonnx');
const light = await import(pathToFileURL(path.join(root, 'pkg/npm/verifier/node.js')).href);
const rel = (p) => path.relative(root, p);

const { server, url } = await serve(root, { isolate: true });
const summary = [];
try {
  for (const dir of models) {
    const name = path.basename(dir);
    const work = path.join(root, 'target/browser-proofs', name);
    fs.rmSync(work, { recursive: true, force: true });
    execFileSync(bin, ['e2e', dir, '--work-dir', work], { stdio: 'ignore' });
    const settings = JSON.parse(fs.readFileSync(path.join(work, 'settings.json'), 'utf8'));
    const srs = path.join(work, `kzg${settings.run_args.logrows}.srs`);
    const pkg = wide ? 'mt-wide' : 'mt';
    const ctx = await launch({ wide });
    let r;
    try {
      ({ result: r } = await run(ctx, `${url}/tests/js/www/prove.html?pkg=${pkg}&worker=1&threads=2&model=/${rel(dir)}&srs=/${rel(srs)}&keys=/${rel(work)}`, { log: false }));
    } finally {
      await ctx.close();
    }
    assert.ok(!r.error, `${name}: ${r.error}`);
    assert.strictEqual(r.threads, 2, `${name}: 2 threads`);
    assert.strictEqual(r.verified, true, `${name}: verified in the page`);
    assert.deepStrictEqual(r.settings.run_args, settings.run_args, `${name}: calibrated run_args, page = CLI`);
    const witness = JSON.parse(fs.readFileSync(path.join(work, 'witness.json'), 'utf8'));
    assert.deepStrictEqual(r.outputs, witness.pretty_elements.rescaled_outputs, `${name}: outputs, page = CLI`);

    // native verification of the browser's proof, and of the proof with its last public output moved
    const proofPath = path.join(work, `proof-${pkg}.json`);
    const verifyNative = (proof) => {
      fs.writeFileSync(proofPath, JSON.stringify(proof));
      try {
        const out = execFileSync(bin, ['verify', '-S', path.join(work, 'settings.json'), '--proof-path', proofPath,
          '--vk-path', path.join(work, 'vk.key'), '--srs-path', srs], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
        return /verified/.test(out);
      } catch {
        return false;
      }
    };
    const moved = structuredClone(r.proof);
    const inst = moved.instances[0];
    // the last instance is a public output; + 1 in the field (little-endian hex), stays canonical
    const le = Buffer.from(inst[inst.length - 1], 'hex');
    for (let i = 0; i < le.length; i++) { le[i] = (le[i] + 1) & 0xff; if (le[i] !== 0) break; }
    inst[inst.length - 1] = le.toString('hex');
    assert.strictEqual(verifyNative(r.proof), true, `${name}: the ${pkg} proof verifies natively`);
    assert.strictEqual(verifyNative(moved), false, `${name}: a moved output fails natively`);
    // kept for tests/js/evm_chain.mjs (the same proof on chain)
    fs.writeFileSync(path.join(work, 'proof-browser.json'), JSON.stringify(r.proof));

    // the light verifier (halo2curves 0.10, its own arithmetic) in Node, with the CLI's bundle
    const bundle = new Uint8Array(fs.readFileSync(path.join(work, 'verifier.bundle')));
    assert.strictEqual(light.verify(r.proof, bundle), true, `${name}: the ${pkg} proof verifies in the light verifier`);
    assert.strictEqual(light.verify(moved, bundle), false, `${name}: a moved output fails in the light verifier`);
    const info = light.inspect(r.proof, bundle);
    assert.deepStrictEqual(info.outputs, r.proof.pretty_public_inputs.rescaled_outputs.map((o) => o.map(Number)), `${name}: inspect's outputs`);
    summary.push({ model: name, logrows: settings.run_args.logrows, module: pkg, prove_s: Number(r.times.prove.toFixed(2)) });
  }
} finally {
  server.close();
}
console.log(JSON.stringify(summary));
console.log(`browser proofs (${wide ? 'mt-wide' : 'mt'}): every model's proof verifies natively and in the light verifier; moved outputs fail both`);
