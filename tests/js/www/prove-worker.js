// prove.html?worker=1: the pipeline in a module Worker (the page stays responsive, and the
// threaded module's caller can block instead of spinning on the main thread).
import { pipeline } from './pipeline.js';

self.onmessage = async ({ data }) => {
  const result = await pipeline(data, (m) => self.postMessage({ log: m }));
  self.postMessage({ result });
};
