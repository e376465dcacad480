// The README's ten-line verification page (examples/verify.html), as a user deploys it: in a
// project with the npm package installed, beside a proof.json, verifier.bundle and the model ID
// its owner published (model-id.txt, from `zkonnx commit`), served without COOP/COEP. It must
// say "valid", and "INVALID" for a changed output and for another model ID.
// Usage: node tests/js/readme_page.mjs PROJECT_DIR WORK_DIR   (WORK_DIR: `zkonnx e2e` output)
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [proj, work] = process.argv.slice(2).map((p) => path.resolve(p));
fs.copyFileSync(path.join(root, 'examples/verify.html'), path.join(proj, 'index.html'));
fs.copyFileSync(path.join(work, 'verifier.bundle'), path.join(proj, 'verifier.bundle'));
const committed = execFileSync(path.join(root, 'target/release/zkonnx'), ['commit', '-M', path.join(work, 'model.compiled'),
  '--bundle-path', path.join(work, 'verifier.bundle')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const modelId = /^model id (0x[0-9a-f]{64})$/m.exec(committed)[1];
const proof = JSON.parse(fs.readFileSync(path.join(work, 'proof.json'), 'utf8'));
const { server, url } = await serve(proj, { isolate: false });
const ctx = await launch();
try {
  const text = async (p, id = modelId) => {
    fs.writeFileSync(path.join(proj, 'proof.json'), JSON.stringify(p));
    fs.writeFileSync(path.join(proj, 'model-id.txt'), id);
    const page = await ctx.newPage();
    await page.goto(`${url}/index.html`);
    await page.waitForFunction(() => document.body && document.body.textContent.length > 0, null, { timeout: 60_000 });
    return page.evaluate(() => document.body.textContent);
  };
  const ok = await text(proof);
  assert.strictEqual(ok.slice(-`model ${modelId}`.length), `model ${modelId}`);
  assert.match(ok, /^valid: outputs \[\[.*\]\], model 0x[0-9a-f]{64}$/);
  assert.strictEqual(await text(proof, '0x' + '5'.repeat(64)), 'INVALID: not a valid proof of that model');
  const bad = structuredClone(proof);
  const last = bad.instances[0].length - 1; // a public output (row 0 is the layout digest)
  const h = bad.instances[0][last];
  bad.instances[0][last] = (h.startsWith('0x') ? '0x' : '') + h.replace(/^0x/, '').replace(/^./, (c) => (parseInt(c, 16) ^ 1).toString(16));
  assert.strictEqual(await text(bad), 'INVALID: not a valid proof of that model');
  console.log(`README page: "${ok.slice(0, 60)}...", changed output and another model ID: INVALID`);
} finally {
  await ctx.close();
  server.close();
}
