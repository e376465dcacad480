// The package's TypeScript declarations, checked as a user's strict project sees them: a new
// project installs the packed .tgz and pinned TypeScript (and @types/node for the READMEs' Node
// snippets), then `tsc --noEmit` with `strict: true` and `skipLibCheck: false` (so the
// package's .d.ts files are checked too) over
// - browser/app.ts: a page's code (lib esnext + DOM, moduleResolution bundler) using 'zkonnx',
//   'zkonnx/worker' and 'zkonnx/verifier' as the READMEs do (and 'zkonnx/evm' under Node);
// - node/main.ts: the same API under lib esnext alone, no DOM and no Node types
//   (moduleResolution node16): the declarations name ECMAScript types only;
// - the READMEs' snippets themselves (checkJs, strict but for implicit `any` parameters): the
//   Node ones with @types/node (module node20: CommonJS `require` of the ES module package),
//   the pages' module scripts with DOM.
// The sources hold `@ts-expect-error` lines: the internals (`__panicForTests`, `start`,
// `initSync`, `default`, wasm-bindgen's pool builder) are not part of the types, unknown option
// keys, a wrong visibility, a misspelt field and strings taken for numbers are type errors; tsc
// fails if any of these is accepted (the types would be `any` or too loose).
// Usage: node tests/js/types_check.mjs   (after scripts/pack.sh)
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { snippets, moduleScript } from './snippets.mjs';

const TYPESCRIPT = '5.9.3';
const TYPES_NODE = '20.19.43';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const t0 = performance.now();

// The option keys are written once in pkg-config/options.js (what the functions accept at run
// time) and mirrored in the declarations' interfaces: both must list the same keys.
{
  const opts = await import(new URL('../../pkg-config/options.js', import.meta.url).href);
  const dts = fs.readFileSync(path.join(root, 'pkg-config/index.d.ts'), 'utf8');
  const keysOf = (name) => {
    const m = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(dts);
    assert.ok(m, `index.d.ts declares ${name}`);
    return [...m[1].matchAll(/^ {2}(\w+)\??:/gm)].map((k) => k[1]).sort();
  };
  for (const [iface, keys] of [['LoadOptions', opts.LOAD_OPTIONS], ['ProverOptions', opts.CREATE_OPTIONS], ['ProveOptions', opts.PROVE_OPTIONS]]) {
    assert.deepStrictEqual(keysOf(iface), [...keys].sort(), `${iface} (index.d.ts) lists options.js's keys`);
  }
}
const tgz = fs.readdirSync(path.join(root, 'pkg')).find((f) => /^zkonnx-.*\.tgz$/.test(f));
assert.ok(tgz, 'pkg/zkonnx-*.tgz is missing: run scripts/pack.sh');
const proj = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-types-'));
const write = (f, text) => {
  fs.mkdirSync(path.dirname(path.join(proj, f)), { recursive: true });
  fs.writeFileSync(path.join(proj, f), text);
};
write('package.json', JSON.stringify({ name: 'types-check', private: true, type: 'module' }));
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', '--save-exact',
  `typescript@${TYPESCRIPT}`, `@types/node@${TYPES_NODE}`, path.join(root, 'pkg', tgz)], { cwd: proj, stdio: ['ignore', 'ignore', 'inherit'] });

const strict = { strict: true, skipLibCheck: false, noEmit: true, target: 'es2022', noUnusedLocals: false };

// a page: DOM types, a bundler's resolution
write('browser/tsconfig.json', JSON.stringify({
  compilerOptions: { ...strict, lib: ['esnext', 'dom', 'dom.iterable'], module: 'esnext', moduleResolution: 'bundler', types: [] },
  files: ['app.ts'],
}, null, 2));
write('browser/app.ts', `
import { load, Prover, hasWideArithmetic } from 'zkonnx';
import type { Bundle, InputData, OnProgress, Proof, RunArgs, Settings, Stage, StageEstimates, StageInfo, Witness, Zkonnx } from 'zkonnx';
import { ProverWorker } from 'zkonnx/worker';
import { verify, inspect } from 'zkonnx/verifier';

const bytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());
const onnx = await bytes('network.onnx');
const input: InputData = await (await fetch('input.json')).json();
const srsFile = await bytes('kzg.srs');

// the step-by-step API
const zk: Zkonnx = await load({ threads: 2, wideArithmetic: hasWideArithmetic() });
let settings: Settings = zk.genSettings(onnx, { input_visibility: 'private', param_visibility: 'Hashed', logrows: 17 });
settings = zk.calibrateSettings(onnx, settings, input, 'accuracy');
const runArgs: RunArgs = settings.run_args;
const logrows: number = runArgs.logrows;
const range: [number, number] = runArgs.lookup_range;
const scale: number = settings.model_output_scales[0];
const compiled = zk.compileCircuit(onnx, settings);
const salt: string | undefined = zk.paramSalt(compiled);
const srs = zk.loadSrs(srsFile, logrows);
const { vk, pk, bundle } = zk.setup(compiled, srs);
const witness: Witness = zk.genWitness(compiled, input);
const outputs: number[][] = witness.pretty_elements.rescaled_outputs.map((o) => o.map(Number));
const proof: Proof = zk.prove(compiled, witness, pk, srs);
const instances: string[][] = proof.instances;
const last: number = zk.feltToFloat(instances[0][instances[0].length - 1], scale);
const ok: boolean = zk.verify(proof, settings, vk, srs);
const b: Bundle = bundle;
const commitment: string | undefined = proof.pretty_public_inputs.param_commitment;
const light: boolean = verify(proof, b, { paramCommitment: commitment });
const { fingerprint, devSrs } = inspect(JSON.stringify(proof), b.buffer as ArrayBuffer);
console.log(range, salt, outputs, last, ok, light, fingerprint, devSrs, zk.module, zk.numThreads());

// Prover, and the same in a Worker (DOM's AbortSignal)
const ac = new AbortController();
const prover = await Prover.create(zk, onnx, {
  srs: srsFile, calibration: input, target: 'resources', signal: ac.signal,
  onProgress: (stage, fraction, info) => console.log(stage, fraction.toFixed(2), info?.done, info?.estimate?.toFixed(1), info?.seconds),
});
const est: StageEstimates = zk.estimateStages(compiled);
console.log(est.setup + est.witness + est.prove + est.verify, proof.keys_fingerprint?.slice(0, 16));
const { proof: p1, outputs: o1 } = await prover.prove(input, { signal: ac.signal });
console.log(prover.verify(p1), o1, prover.commitment, prover.salt, prover.bundle.length);
const pw = await ProverWorker.create(onnx, {
  srs: srsFile, settings: prover.settings, salt: prover.salt ?? undefined,
  keys: { vk: prover.vk, pk: prover.pk, bundle: prover.bundle },
}, { threads: 4 });
const r = await pw.prove(input, { signal: ac.signal, onProgress: (s) => console.log(s) });
const v: boolean = await pw.verify(r.proof);
console.log(v, pw.module, pw.threads, r.witness.pretty_elements.rescaled_outputs[0][0]);
pw.terminate();
// the SRS as a function of logrows (async here), progress events with interpolation, verify
// with progress, the float model's outputs and the memory
const onProgress: OnProgress = (stage: Stage, fraction, info?: StageInfo) => console.log(stage, fraction,
  info?.interpolated, info?.stageFraction, info?.elapsed, info?.end, info?.indeterminate, info?.estimates?.prove);
const byK = await ProverWorker.create(onnx, { srs: async (k: number) => bytes(\`kzg\${k}.srs\`), calibration: input, onProgress });
const v2: boolean = await byK.verify(r.proof, { onProgress, signal: ac.signal });
const floats: number[][] = await byK.floatOutputs(input);
const mem: number = await byK.memoryBytes();
const sync2 = await Prover.create(zk, onnx, { srs: (k: number) => srsFile.subarray(0, k), calibration: input });
const v3: boolean = sync2.verify(p1, { onProgress });
console.log(v2, floats, mem, v3, sync2.floatOutputs(input)[0][0].toFixed(2), sync2.memoryBytes().toFixed(0));

// the internals are not part of the API
// @ts-expect-error
zk.__panicForTests('x');
// @ts-expect-error
zk.start();
// @ts-expect-error
zk.initSync;
// @ts-expect-error
zk.default;
// @ts-expect-error
zk.wbg_rayon_PoolBuilder;
// @ts-expect-error
zk.__wbg_reset_state();
// @ts-expect-error: wasm-bindgen's Keys class, not exported
import('zkonnx').then((m) => m.Keys);
// @ts-expect-error: an unknown option
await load({ thread: 2 });
// @ts-expect-error: an unknown option
await Prover.create(zk, onnx, { srs: srsFile, calibraton: input });
// @ts-expect-error: the SRS is required
await Prover.create(zk, onnx, { calibration: input });
// @ts-expect-error: srs(k) gives the bytes, not a file name
await Prover.create(zk, onnx, { srs: (k: number) => \`kzg\${k}.srs\` });
// @ts-expect-error: an unknown option of verify
prover.verify(p1, { onprogress: onProgress });
// @ts-expect-error: an unknown option
await prover.prove(input, { sginal: ac.signal });
// @ts-expect-error: not a visibility
zk.genSettings(onnx, { input_visibility: 'Secret' });
// @ts-expect-error: a misspelt field
console.log(proof.instance);
// @ts-expect-error: decimal strings, not numbers
const wrong: number[][] = witness.pretty_elements.rescaled_outputs;
// @ts-expect-error: verify in the Worker is asynchronous
const sync: boolean = pw.verify(r.proof);
console.log(wrong, sync);
`);

// Node code without DOM and without Node's types: ECMAScript's lib only
write('node/tsconfig.json', JSON.stringify({
  compilerOptions: { ...strict, lib: ['esnext'], module: 'node16', moduleResolution: 'node16', types: [] },
  files: ['main.ts'],
}, null, 2));
write('node/main.ts', `
import { load, Prover, type InputData, type Proof, type Settings } from 'zkonnx';
import { ProverWorker } from 'zkonnx/worker';
import { verify, inspect, commitment } from 'zkonnx/verifier';
import { evmModelInitcode } from 'zkonnx/evm';

declare const onnx: Uint8Array;
declare const srsFile: Uint8Array;
declare const input: InputData;

const zk = await load({ threads: 1 });
const settings: Settings = zk.calibrateSettings(onnx, zk.genSettings(onnx), input);
const compiled = zk.compileCircuit(onnx, settings, '0x' + '1'.repeat(64));
const srs = zk.loadSrs(srsFile, settings.run_args.logrows);
const keys = zk.setup(compiled, srs);
const proof: Proof = zk.prove(compiled, zk.genWitness(compiled, input), keys.pk, srs);
export const checks: unknown[] = [zk.verify(proof, settings, keys.vk, srs), verify(proof, keys.bundle), inspect(proof, keys.bundle).outputs];
checks.push(commitment({ kind: 'input', values: [1, 2], bundle: keys.bundle }));
const initcode: string = evmModelInitcode(keys.bundle, '0x' + '0'.repeat(40));
checks.push(initcode);
// @ts-expect-error: the verifier's address is a string
evmModelInitcode(keys.bundle, 42);
const signal = { aborted: false, addEventListener() {}, removeEventListener() {} };
const prover = await Prover.create(zk, onnx, { srs: srsFile, calibration: input, runArgs: { output_visibility: 'Hashed' }, signal });
const { outputs } = await prover.prove(input, { signal });
checks.push(outputs[0][0].toFixed(3), typeof ProverWorker.create);
// @ts-expect-error
zk.__panicForTests('x');
// @ts-expect-error: an unknown option
await load({ threads: 1, workers: 2 });
`);

// the READMEs' snippets as they are
let n = 0;
const nodeFiles = [];
const pageFiles = [];
for (const f of ['README.md', 'pkg-config/README.md']) {
  for (const s of snippets(path.join(root, f))) {
    n += 1;
    if (s.kind === 'page') {
      const js = moduleScript(s.code);
      assert.ok(js, `${f}:${s.line}: a page without a module script`);
      pageFiles.push(`page-${n}.mjs`);
      write(`readme/page-${n}.mjs`, js);
    } else {
      const name = `snippet-${n}.${s.kind === 'node' ? 'mjs' : 'cjs'}`;
      nodeFiles.push(name);
      write(`readme/${name}`, s.code);
    }
  }
}
// (plain JavaScript has no annotations: its parameters may be implicitly `any`)
const js = { allowJs: true, checkJs: true, noImplicitAny: false };
write('readme/tsconfig.node.json', JSON.stringify({
  compilerOptions: { ...strict, ...js, lib: ['esnext'], module: 'node20', moduleResolution: 'node16', types: ['node'] },
  files: nodeFiles,
}, null, 2));
write('readme/tsconfig.page.json', JSON.stringify({
  compilerOptions: { ...strict, ...js, lib: ['esnext', 'dom'], module: 'esnext', moduleResolution: 'bundler', types: [] },
  files: pageFiles,
}, null, 2));
// pages import './node_modules/zkonnx/…' relative to themselves, as served beside it
fs.symlinkSync(path.join(proj, 'node_modules'), path.join(proj, 'readme/node_modules'));

const tsc = path.join(proj, 'node_modules/typescript/bin/tsc');
const version = execFileSync('node', [tsc, '--version'], { encoding: 'utf8' }).trim();
for (const [p, what] of [
  ['browser/tsconfig.json', 'a page (lib esnext + DOM, bundler)'],
  ['node/tsconfig.json', 'Node code (lib esnext only: no DOM, no @types/node; node16)'],
  ['readme/tsconfig.node.json', `the READMEs' ${nodeFiles.length} Node snippets (checkJs, @types/node ${TYPES_NODE}, node20)`],
  ['readme/tsconfig.page.json', `the READMEs' ${pageFiles.length} page scripts (checkJs, DOM)`],
]) {
  const t = performance.now();
  const r = spawnSync('node', [tsc, '-p', p], { cwd: proj, encoding: 'utf8' });
  assert.strictEqual(r.status, 0, `tsc -p ${p} (${what}):\n${r.stdout}${r.stderr}`);
  console.log(`  tsc --noEmit, strict, skipLibCheck false: ${what}: ok (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}
fs.rmSync(proj, { recursive: true, force: true });
console.log(`types: ${version}, all checks passed (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
