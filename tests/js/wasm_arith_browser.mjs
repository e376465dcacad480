// The wide-arithmetic build of crates/arith-wasm32 (i64.mul_wide_u) checked in Chromium started
// with --js-flags=--wasm-wide-arithmetic (tests/js/www/arith.html), and the npm loader's probe
// (hasWideArithmetic) true there and false in a default Chromium.
// Usage: node tests/js/wasm_arith_browser.mjs PKG_DIR   (wasm-bindgen --target web output, in the repository)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { launch, run } from './chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = path.relative(root, path.resolve(process.argv[2]));
const { server, url } = await serve(root, { isolate: true });
let failed = 0;
const fail = (m) => { failed++; console.error(`FAIL ${m}`); };
try {
  for (const wide of [true, false]) {
    const ctx = await launch({ wide });
    try {
      const page = await ctx.newPage();
      await page.goto(`${url}/tests/js/www/arith.html?probe=1`);
      const probe = await page.evaluate(async () => (await import('/pkg/npm/browser.js')).hasWideArithmetic());
      console.log(`hasWideArithmetic() with${wide ? '' : 'out'} the flag: ${probe}`);
      if (probe !== wide) fail(`hasWideArithmetic() is ${probe} with${wide ? '' : 'out'} --wasm-wide-arithmetic`);
      if (!wide) continue;
      const { result } = await run(ctx, `${url}/tests/js/www/arith.html?pkg=/${pkg}`, { log: false });
      if (result.error) fail(result.error);
      for (const [what, msg] of Object.entries(result.results ?? {})) {
        if (msg) fail(`${what}: ${msg}`); else console.log(`ok   ${what} (wide-arithmetic, Chromium)`);
      }
      console.log(`wide-arithmetic in Chromium: Fr mul ${result.mul_ns?.toFixed(1)} ns, msm 2^14 ${result.msm14_ms?.toFixed(0)} ms`);
    } finally {
      await ctx.close();
    }
  }
} finally {
  server.close();
}
if (failed) process.exit(1);
