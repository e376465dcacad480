// The script of the module Worker that `zkonnx/worker` starts (worker.js): it loads zkonnx
// (threaded when the page is cross-origin isolated, single-threaded otherwise), holds one Prover
// and answers the page's requests { id, op: 'create' | 'prove' | 'verify' | 'floatOutputs' |
// 'memoryBytes', args }, one at a time, with { id, value } or { id, error }; progress goes back
// as { id, progress: [stage, fraction, info] }. An SRS the page gives as a function of logrows
// is asked for with { id, srsRequest: k } and comes back as { srsReply: id, bytes } or
// { srsReply: id, error }. Imports are relative: a Worker does not see the page's import map.
import { load } from './browser.js';
import { Prover } from './prover.js';

let zk = null;
let prover = null;
const srsWaiting = new Map(); // request id -> { resolve, reject }

// the page's `srs(k)`, called in the page (a function cannot be posted to a Worker)
const askSrs = (id) => (k) => new Promise((resolve, reject) => {
  srsWaiting.set(id, { resolve, reject });
  self.postMessage({ id, srsRequest: k });
});

async function handle(id, op, args, progress) {
  if (op === 'create') {
    if (!zk) {
      const t0 = performance.now();
      progress('load', 0, { done: false, end: 1, indeterminate: true });
      zk = await load(args.load);
      progress('load', 1, { done: true, seconds: (performance.now() - t0) / 1000 });
    }
    await zk.ready();
    const opts = { ...args.opts, onProgress: progress };
    if (args.srsFromPage) opts.srs = askSrs(id);
    prover = await Prover.create(zk, args.onnx, opts);
    // a restart hands back the keys and settings this Prover made before: no need to check them
    if (args.restart) prover.keysUnchecked = false;
    const { settings, vk, pk, bundle, salt, commitment, modelId } = prover;
    return { settings, vk, pk, bundle, salt, commitment, modelId, module: zk.module, threads: zk.numThreads() };
  }
  if (!prover) throw new Error('zkonnx/worker: no Prover in this Worker (create one first)');
  await zk.ready();
  if (op === 'prove') return prover.prove(args.input, { onProgress: progress });
  if (op === 'verify') return prover.verify(args.proof, { onProgress: progress });
  if (op === 'floatOutputs') return prover.floatOutputs(args.input);
  if (op === 'memoryBytes') return prover.memoryBytes();
  throw new Error(`zkonnx/worker: unknown request ${op}`);
}

self.addEventListener('message', async ({ data }) => {
  if (data?.srsReply !== undefined) {
    const waiting = srsWaiting.get(data.srsReply);
    srsWaiting.delete(data.srsReply);
    if (data.error) waiting?.reject(new Error(data.error.message));
    else waiting?.resolve(data.bytes);
    return;
  }
  const { id, op, args } = data ?? {};
  if (id === undefined) return;
  const progress = (stage, fraction, info) => self.postMessage({ id, progress: [stage, fraction, info] });
  try {
    self.postMessage({ id, value: await handle(id, op, args, progress) });
  } catch (e) {
    self.postMessage({ id, error: { message: e instanceof Error ? e.message : String(e), name: e?.name ?? 'Error' } });
  }
});
