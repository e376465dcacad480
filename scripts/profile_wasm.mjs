// Where proving time goes in WebAssembly: Chromium's sampling profiler (CDP) over `prove` only,
// single-threaded module on the page's main thread (threads would hide work in Workers).
// Each sample is charged to the first matching category found walking its stack up from the
// leaf's callers (MSM, FFT, ...), and the top functions by self time are listed.
// Usage: node scripts/profile_wasm.mjs MODEL_DIR   (inside the repository, after scripts/wasm.sh)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/js/serve.mjs';
import { launch } from '../tests/js/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const model = path.relative(root, path.resolve(process.argv[2]));
const CATEGORIES = [
  ['msm (multiexp)', /multiexp|msm/i],
  ['fft / ifft / coset fft', /fft|butterfly/i],
  ['quotient (h) evaluation', /evaluate_h|Evaluator|ValueSource/i],
  ['lookup / permutation products', /lookup|permutation|batch_invert/i],
  ['commit to witness (lagrange)', /commit_lagrange|assign|synthesize/i],
];
const { server, url } = await serve(root, { isolate: false });
const ctx = await launch();
try {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  let profile;
  await page.exposeFunction('__profileStart', async () => {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  });
  await page.exposeFunction('__profileStop', async () => { ({ profile } = await cdp.send('Profiler.stop')); });
  await page.goto(`${url}/tests/js/www/prove.html?pkg=web&model=/${model}`);
  await page.waitForFunction(() => window.__done === true, null, { timeout: 900_000, polling: 500 });
  const r = await page.evaluate(() => window.__result);
  if (r.error) throw new Error(r.error);

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const cat = new Map();
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] || 0;
    total += dt;
    const leaf = byId.get(id).callFrame.functionName || '(program)';
    self.set(leaf, (self.get(leaf) || 0) + dt);
    let c = 'other';
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const name = byId.get(n).callFrame.functionName;
      const hit = CATEGORIES.find(([, re]) => re.test(name));
      if (hit) { c = hit[0]; break; }
    }
    cat.set(c, (cat.get(c) || 0) + dt);
  });
  const pct = (x) => `${((100 * x) / total).toFixed(1)}%`;
  console.log(`${path.basename(model)}: prove ${r.times.prove.toFixed(2)} s single-threaded in Chromium, ${profile.samples.length} samples`);
  console.log('by category (innermost match):');
  for (const [k, v] of [...cat].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(34)} ${pct(v)}`);
  console.log('top functions by self time:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(v).padStart(6)}  ${k.slice(0, 110)}`);
} finally {
  await ctx.close();
  server.close();
}
