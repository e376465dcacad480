// A Vite app using the npm package as a user would: `import { ProverWorker } from 'zkonnx/worker'`,
// the Prover in the package's module Worker (bundled by Vite), threaded when the page is
// cross-origin isolated.
import { ProverWorker } from 'zkonnx/worker';

const result = {};
try {
  result.crossOriginIsolated = self.crossOriginIsolated;
  const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  const input = await (await fetch('./model/input.json')).json();
  const prover = await ProverWorker.create(await bytes('./model/network.onnx'), {
    calibration: input, srs: await bytes('./model/kzg.srs'),
  }, { threads: 2 });
  result.threads = prover.threads;
  result.module = prover.module;
  const { proof, outputs } = await prover.prove(input);
  result.verified = await prover.verify(proof);
  result.outputs = outputs;
} catch (e) {
  result.error = String(e && e.stack || e);
}
document.getElementById('log').textContent = JSON.stringify(result);
window.__result = result;
window.__done = true;
