// Browser (Debian Chromium, threaded build, 1 and 2 threads) next to native, same sitting.
// Usage: node scripts/bench_wasm.mjs DIR [DIR ...]   (folders with network.onnx + input.json,
// inside the repository, e.g. target/bench/models/cnn_mnist after scripts/bench.py)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/js/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { server, url } = await serve(root, { isolate: true });
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
for (const dir of process.argv.slice(2)) {
  const rel = path.relative(root, path.resolve(dir));
  const row = { model: path.basename(dir) };
  for (const threads of [1, 2]) {
    const ctx = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'zkb-')), { executablePath: '/usr/bin/chromium', headless: true, args });
    const page = ctx.pages()[0] || await ctx.newPage();
    await page.goto(`${url}/tests/js/www/prove.html?pkg=mt&threads=${threads}&model=/${rel}`);
    await page.waitForFunction(() => window.__done === true, null, { timeout: 900_000, polling: 500 });
    const r = await page.evaluate(() => window.__result);
    const mem = await page.evaluate(() => performance.memory ? performance.memory.usedJSHeapSize : null);
    if (r.error) throw new Error(r.error);
    row[`browser_t${threads}`] = { setup: r.times.setup, prove: r.times.prove, verify: r.times.verify, logrows: r.settings.run_args.logrows };
    await ctx.close();
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zkn-'));
  const out = execFileSync(path.join(root, 'target/release/zkonnx'), ['e2e', dir, '--work-dir', work], { env: { ...process.env, RAYON_NUM_THREADS: '2' } }).toString();
  row.native_t2 = Object.fromEntries(out.split('\n').map((l) => l.match(/^(setup|prove|verify)\s+([\d.]+) s/)).filter(Boolean).map((m) => [m[1], Number(m[2])]));
  console.log(JSON.stringify(row));
}
server.close();
