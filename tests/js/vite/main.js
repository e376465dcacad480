// A Vite app using the npm package as a user would: `import { load } from 'zkonnx'`.
import { load, Prover } from 'zkonnx';

const result = {};
try {
  const zk = await load({ threads: 2 });
  result.crossOriginIsolated = self.crossOriginIsolated;
  result.threads = zk.numThreads();
  const onnx = new Uint8Array(await (await fetch('./model/network.onnx')).arrayBuffer());
  const input = await (await fetch('./model/input.json')).json();
  const srs = new Uint8Array(await (await fetch('./model/kzg.srs')).arrayBuffer());
  const prover = await Prover.create(zk, onnx, { calibration: input, srs });
  const { proof, outputs } = await prover.prove(input);
  result.verified = prover.verify(proof);
  result.outputs = outputs;
} catch (e) {
  result.error = String(e && e.stack || e);
}
document.getElementById('log').textContent = JSON.stringify(result);
window.__result = result;
window.__done = true;
