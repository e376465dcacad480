// The script of the module Worker that `zkonnx/worker` starts (worker.js): it loads zkonnx
// (threaded when the page is cross-origin isolated, single-threaded otherwise), holds one Prover
// and answers the page's requests { id, op: 'create' | 'prove' | 'verify', args }, one at a
// time, with { id, value } or { id, error }; progress goes back as { id, progress: [stage,
// fraction] }. Imports are relative: a Worker does not see the page's import map.
import { load } from './browser.js';
import { Prover } from './prover.js';

let zk = null;
let prover = null;

async function handle(op, args, progress) {
  if (op === 'create') {
    if (!zk) {
      progress('load', 0);
      zk = await load(args.load);
      progress('load', 1);
    }
    await zk.ready();
    prover = await Prover.create(zk, args.onnx, { ...args.opts, onProgress: progress });
    // a restart hands back the keys and settings this Prover made before: no need to check them
    if (args.restart) prover.keysUnchecked = false;
    const { settings, vk, pk, bundle, salt, commitment, modelId } = prover;
    return { settings, vk, pk, bundle, salt, commitment, modelId, module: zk.module, threads: zk.numThreads() };
  }
  if (!prover) throw new Error('zkonnx/worker: no Prover in this Worker (create one first)');
  await zk.ready();
  if (op === 'prove') return prover.prove(args.input, { onProgress: progress });
  if (op === 'verify') return prover.verify(args.proof);
  throw new Error(`zkonnx/worker: unknown request ${op}`);
}

self.addEventListener('message', async ({ data }) => {
  const { id, op, args } = data ?? {};
  if (id === undefined) return;
  const progress = (stage, fraction, info) => self.postMessage({ id, progress: [stage, fraction, info] });
  try {
    self.postMessage({ id, value: await handle(op, args, progress) });
  } catch (e) {
    self.postMessage({ id, error: { message: e instanceof Error ? e.message : String(e), name: e?.name ?? 'Error' } });
  }
});
