// Debian's Chromium, headless, driven by playwright-core, with a fresh profile and the flags
// this machine's closed network needs.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// `wide`: with WebAssembly's wide-arithmetic instructions (behind a V8 flag in Chromium 156).
export async function launch({ wide = false } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'zkonnx-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...(wide ? ['--js-flags=--wasm-wide-arithmetic'] : [])],
  });
}

/** Open `url` in a new page of `ctx`, wait for `window.__done`, return `window.__result`. */
export async function run(ctx, url, { timeout = 900_000, log = true } = {}) {
  const page = await ctx.newPage();
  if (log) page.on('console', (m) => console.log('  [page]', m.text()));
  await page.goto(url);
  await page.waitForFunction(() => window.__done === true, null, { timeout, polling: 500 });
  const result = await page.evaluate(() => window.__result);
  return { page, result };
}
