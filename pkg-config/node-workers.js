// Just enough of the Web Worker API, over node:worker_threads, for wasm-bindgen-rayon's
// no-bundler helper (the threaded module's thread pool) to run in Node. Imported by node.js
// before the threaded module; it touches globals only where Node lacks them:
// - `Worker` (if undefined): a module worker whose script is a file: URL;
// - `self` (if undefined) with no-op event listeners: the helper runs `self.addEventListener`
//   when it is imported on the main thread too;
// - `fetch` of a file: URL and `URL.createObjectURL` of that response's blob: the helper turns
//   its own URL into a blob: URL, which Node workers cannot import; here the blob maps back to
//   the file's URL.
// Workers are unref'd once ready so that they never keep the process alive.
import { Worker as NodeWorker } from 'node:worker_threads';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

// runs inside each worker_thread: a `self` with message events, then the helper module
// (no `require`: the eval'd code is ES module code when Node runs with --input-type=module;
// messages sent before the listener is attached wait in the port)
const BOOT = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const listeners = new Set();
  const early = [];
  globalThis.self = globalThis;
  globalThis.postMessage = (m) => parentPort.postMessage(m);
  globalThis.addEventListener = (type, f) => {
    if (type !== 'message') return;
    listeners.add(f);
    while (early.length) f({ data: early.shift() });
  };
  globalThis.removeEventListener = (type, f) => listeners.delete(f);
  parentPort.on('message', (data) => {
    if (listeners.size === 0) early.push(data);
    for (const f of [...listeners]) f({ data });
  });
  await import(workerData.url);
})();
`;

if (typeof globalThis.Worker === 'undefined') {
  globalThis.Worker = class Worker {
    constructor(url) {
      this.w = new NodeWorker(BOOT, { eval: true, workerData: { url: String(url) } });
      this.handlers = new Map();
      this.w.on('message', (data) => {
        if (data?.type === 'wasm_bindgen_worker_ready') this.w.unref();
      });
      this.w.on('error', (e) => console.error('zkonnx worker:', e));
    }
    postMessage(m) { this.w.postMessage(m); }
    addEventListener(type, f) {
      if (type !== 'message') return;
      const h = (data) => f({ data });
      this.handlers.set(f, h);
      this.w.on('message', h);
    }
    removeEventListener(type, f) {
      const h = this.handlers.get(f);
      if (h) this.w.off('message', h);
      this.handlers.delete(f);
    }
    terminate() { return this.w.terminate(); }
  };
}
if (typeof globalThis.self === 'undefined') {
  globalThis.self = globalThis;
  globalThis.addEventListener ??= () => {};
  globalThis.removeEventListener ??= () => {};
}

const blobUrls = new WeakMap();
const fetch0 = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (!url.startsWith('file:')) return fetch0(input, init);
  const blob = new Blob([fs.readFileSync(fileURLToPath(url))], { type: 'text/javascript' });
  blobUrls.set(blob, url);
  // not a Response: its blob() would be a copy, unknown to createObjectURL below
  return { ok: true, status: 200, url, blob: async () => blob, text: () => blob.text(), arrayBuffer: () => blob.arrayBuffer() };
};
const createObjectURL0 = URL.createObjectURL;
URL.createObjectURL = (obj) => blobUrls.get(obj) ?? createObjectURL0(obj);
const revokeObjectURL0 = URL.revokeObjectURL;
URL.revokeObjectURL = (url) => (url.startsWith('file:') ? undefined : revokeObjectURL0(url));
