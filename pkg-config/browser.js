// zkonnx in the browser: the threaded module when the page is cross-origin isolated (COOP/COEP
// headers), the single-threaded one otherwise. The functions of the returned object are the
// module's (see index.d.ts), guarded so that an internal abort becomes an Error (guard.js).
import { guard } from './guard.js';

export async function load({ threads, single = false } = {}) {
  if (globalThis.crossOriginIsolated === true && !single) {
    const zk = await import('./mt/zkonnx.js');
    await zk.default();
    await zk.initThreadPool(threads ?? (globalThis.navigator?.hardwareConcurrency || 2));
    return guard(zk, { threaded: true });
  }
  const zk = await import('./web/zkonnx.js');
  await zk.default();
  return guard(zk);
}

export { Prover } from './prover.js';
