// zkonnx in the browser: picks the threaded module when the page is cross-origin isolated
// (COOP/COEP headers), the single-threaded one otherwise.
export async function load({ threads } = {}) {
  const isolated = globalThis.crossOriginIsolated === true;
  const zk = isolated ? await import('./mt/zkonnx.js') : await import('./web/zkonnx.js');
  await zk.default();
  if (isolated) {
    const n = threads ?? (globalThis.navigator?.hardwareConcurrency || 2);
    await zk.initThreadPool(n);
  }
  return zk;
}

export { Prover } from './prover.js';
