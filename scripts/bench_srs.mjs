// Cutting an SRS down in the page, one sitting: a k = BIG development SRS as zkonnx writes it
// (with the Lagrange bases of every smaller size) and the same file without them (halo2's layout
// alone, as ezkl's and PSE's files are), each cut down to k = SMALL by `loadSrs` in Chromium
// (Debian, headless): the threaded module in a module Worker at 2 threads (mt, and mt-wide with
// --js-flags=--wasm-wide-arithmetic) and the single-threaded one (web) on the page. The load is
// timed twice (the second without first-call costs); the fetch separately. Natively, the CLI's
// `srs info` and `gen-srs` are timed too. One JSON line per configuration.
// Usage: node scripts/bench_srs.mjs [BIG] [SMALL]   (after scripts/wasm.sh, cargo build --release)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/js/serve.mjs';
import { launch, run } from '../tests/js/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [big, small] = [Number(process.argv[2] || 17), Number(process.argv[3] || 13)];
const dir = path.join(root, 'target/bench/srs');
fs.mkdirSync(dir, { recursive: true });
const withBases = path.join(dir, `kzg${big}.srs`);
const t0 = performance.now();
execFileSync(path.join(root, 'target/release/zkonnx'), ['gen-srs', '--srs-path', withBases, '--logrows', String(big)],
  { env: { ...process.env, RAYON_NUM_THREADS: '2' }, stdio: 'ignore' });
const genSrs = (performance.now() - t0) / 1000;
const file = fs.readFileSync(withBases);
const body = 4 + 2 * 2 ** big * 64 + 2 * 128;
const without = path.join(dir, `kzg${big}-halo2-only.srs`);
fs.writeFileSync(without, file.subarray(0, body));
console.log(JSON.stringify({ native: { gen_srs_s: Math.round(genSrs * 100) / 100, k: big, bytes_with_bases: file.length, bytes_halo2_only: body } }));

const { server, url } = await serve(root, { isolate: true });
const rel = (p) => path.relative(root, p);
const configs = [['mt', 2, false, 1], ['mt-wide', 2, true, 1], ['web', 1, false, 0]];
for (const srs of [withBases, without]) {
  for (const [pkg, threads, wide, worker] of configs) {
    const ctx = await launch({ wide });
    try {
      const q = `pkg=${pkg}&threads=${threads}&srs=/${rel(srs)}&srsOnly=${small}${worker ? '&worker=1' : ''}`;
      const { result: r } = await run(ctx, `${url}/tests/js/www/prove.html?${q}`, { log: false });
      if (r.error) throw new Error(r.error);
      const s = (x) => Math.round(x * 1000) / 1000;
      console.log(JSON.stringify({
        file: path.basename(srs), pkg, threads, from: big, to: small,
        fetch_s: s(r.times.srs_fetch), load_s: s(r.times.srs_load), load_again_s: s(r.times.srs_load_again),
      }));
    } finally {
      await ctx.close();
    }
  }
}
server.close();
