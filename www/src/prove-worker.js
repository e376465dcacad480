// The prover, off the page's main thread: loads zkonnx (threaded when the page is
// cross-origin isolated), runs one job and reports each stage. Cancel = the page terminates
// this worker.
import { load } from 'zkonnx';

let zk;
let current = null; // the stage running, named in an error
const post = (m) => self.postMessage(m);

async function stage(name, f) {
  current = name;
  post({ type: 'stage', name, state: 'running' });
  const t = performance.now();
  await new Promise((r) => setTimeout(r, 0)); // let the page show it
  const out = await f();
  post({ type: 'stage', name, state: 'done', seconds: (performance.now() - t) / 1000 });
  return out;
}

self.onmessage = async ({ data }) => {
  const { onnx, input, runArgs, target, cached } = data;
  try {
    if (zk) post({ type: 'stage', name: 'load', state: 'cached' });
    else zk = await stage('load', () => load());
    post({ type: 'info', threads: zk.numThreads(), isolated: self.crossOriginIsolated === true });
    let settings = cached?.settings;
    if (settings) {
      post({ type: 'stage', name: 'calibrate', state: 'cached' });
    } else {
      settings = await stage('calibrate', () =>
        zk.calibrateSettings(onnx, zk.genSettings(onnx, runArgs), input, target));
    }
    // with cached keys, the cached salt: the params commitment stays the one published
    const compiled = await stage('compile', () => zk.compileCircuit(onnx, settings, cached?.salt ?? undefined));
    // seconds of the long stages on this module and thread count, from the circuit's size
    post({ type: 'estimate', stages: zk.estimateStages(compiled) });
    const hashed = settings.run_args.param_visibility === 'Hashed';
    const salt = hashed ? zk.paramSalt(compiled) : null;
    const commitment = hashed ? zk.commit(compiled) : null;
    const k = settings.run_args.logrows;
    const params = await stage('srs', async () => {
      // the development SRS is served per k (no downsizing: that recomputes the Lagrange
      // basis, slow in WebAssembly); a user's file is downsized to k
      let srs = data.srs;
      if (!srs) {
        const r = await fetch(`${data.devSrsBase}dev-unsafe-k${k}.srs`);
        if (!r.ok) throw new Error(`this model needs 2^${k} rows: no development SRS for k = ${k} is served with the app`);
        srs = new Uint8Array(await r.arrayBuffer());
      }
      return zk.loadSrs(srs, k);
    });
    let keys = cached?.keys;
    if (keys) {
      post({ type: 'stage', name: 'setup', state: 'cached' });
      // the bundle rebuilt from the cached vk: a bundle of an older zkonnx is never published
      keys = { ...keys, bundle: zk.bundleOf(keys.vk, params, settings) };
    } else {
      keys = await stage('setup', () => zk.setup(compiled, params));
    }
    const witness = await stage('witness', () => zk.genWitness(compiled, input));
    const floats = zk.floatOutputs(onnx, settings, input);
    const proof = await stage('prove', () => zk.prove(compiled, witness, keys.pk, params));
    const verified = await stage('verify', () => zk.verify(proof, settings, keys.vk, params));
    current = null;
    post({
      type: 'done', proof, settings, keys, verified, floats, salt, commitment,
      // the model ID to publish: the circuit, its keys and SRS, and the params commitment
      modelId: zk.modelId(compiled, keys.bundle),
      outputs: witness.pretty_elements.rescaled_outputs.map((r) => r.map(Number)),
      memoryBytes: zk.memoryBytes(),
    });
  } catch (e) {
    post({ type: 'error', stage: current, message: e instanceof Error ? e.message : String(e) });
  }
};
