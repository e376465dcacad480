// The largest circuit one Chromium tab proves: a model folder the CLI prepared at a forced
// logrows (settings.json, keys, params salt, SRS), proven in a module Worker of a headless
// Chromium with the CLI's settings and keys (no calibration, no mock prover), the proof verified.
// Reports the stage times, the module's linear memory after proving (it never shrinks: its peak)
// and the peak resident memory of Chromium's processes, sampled every 200 ms from /proc (the
// largest one, the tab's renderer, and all of them together).
// Usage: node scripts/bench_tab.mjs WORK_DIR SRS [--pkg mt|mt-wide] [--threads N]
//   WORK_DIR, inside the repository, e.g. (k = 20, mlp_small):
//   zkonnx gen-settings -M network.onnx -O settings.json -K 20
//   zkonnx compile-circuit -M network.onnx --compiled-circuit model.compiled -S settings.json
//   zkonnx gen-srs --srs-path k20.srs --logrows 20 && zkonnx setup -M model.compiled --srs-path k20.srs
// (after scripts/wasm.sh)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/js/serve.mjs';
import { launch, run } from '../tests/js/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const [work, srs] = args.filter((a, i) => !a.startsWith('--') && !['--pkg', '--threads'].includes(args[i - 1]));
if (!work || !srs) {
  console.error('usage: node scripts/bench_tab.mjs WORK_DIR SRS [--pkg mt|mt-wide] [--threads N]');
  process.exit(2);
}
const pkg = opt('--pkg', 'mt');
const threads = Number(opt('--threads', '2'));
const rel = (p) => path.relative(root, path.resolve(p));
const settings = JSON.parse(fs.readFileSync(path.join(work, 'settings.json'), 'utf8'));

// resident memory (KiB) of every process whose command is Chromium's
const chromiumRss = () => {
  const out = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium')) continue;
      const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
      if (m) out.push(Number(m[1]));
    } catch { /* gone */ }
  }
  return out;
};

const { server, url } = await serve(root, { isolate: true });
const ctx = await launch({ wide: pkg === 'mt-wide' });
let peakOne = 0;
let peakAll = 0;
const timer = setInterval(() => {
  const r = chromiumRss();
  peakOne = Math.max(peakOne, ...r, 0);
  peakAll = Math.max(peakAll, r.reduce((a, b) => a + b, 0));
}, 200);
try {
  const q = `pkg=${pkg}&worker=1&threads=${threads}&model=/${rel(work)}&settings=/${rel(work)}/settings.json`
    + `&srs=/${rel(srs)}&keys=/${rel(work)}&mock=0`;
  const { result: r } = await run(ctx, `${url}/tests/js/www/prove.html?${q}`, { log: false, timeout: 4 * 3600_000 });
  if (r.error) throw new Error(r.error);
  const mb = (kib) => Math.round(kib / 1024);
  console.log(JSON.stringify({
    model: path.basename(path.resolve(work)), logrows: settings.run_args.logrows, pkg, threads,
    pk_mb: Math.round(fs.statSync(path.join(work, 'pk.key')).size / 2 ** 20),
    times: Object.fromEntries(Object.entries(r.times).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    verified: r.verified, wasm_memory_mb: Math.round(r.memoryBytes / 2 ** 20),
    peak_rss_largest_process_mb: mb(peakOne), peak_rss_all_chromium_mb: mb(peakAll),
  }));
  if (r.verified !== true) process.exitCode = 1;
} finally {
  clearInterval(timer);
  await ctx.close();
  server.close();
}
