// On a real local chain (anvil from npm, 127.0.0.1): for each model, the CLI's proof, a Node
// proof (the npm package, one thread) and the Chromium proof tests/js/browser_proofs.mjs left in
// target/browser-proofs/<model>/proof-browser.json (when present) verify through
//   - `zkonnx create-evm-verifier` → `deploy-evm` (the reusable verifier once, then one
//     contract per model) → `verify-evm`, and
//   - `zkonnx/verifier`'s encodeCalldata + a viem eth_call to the model's contract;
// a moved public output is refused by both; every model contract's code is within EIP-170's
// 24,576 bytes. The CLI's and the Node proof use the on-chain profile (e2e --num-inner-cols 1,2),
// the browser's the default calibration (gas_browser: the default circuit's cost). Gas per
// verification goes to target/evm/gas.json (and the table printed).
// Usage: node tests/js/evm_chain.mjs MODEL_DIR [...]   (each holding network.onnx and input.json)
import assert from 'node:assert';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPublicClient, http } from 'viem';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const models = process.argv.slice(2).map((d) => path.resolve(d));
assert.ok(models.length > 0, 'usage: node tests/js/evm_chain.mjs MODEL_DIR [...]');
const bin = path.join(root, 'target/release/zkonnx');
const anvilBin = path.join(root, 'node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil');
// anvil's first development account (printed by anvil at start; public knowledge)
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const light = await import(pathToFileURL(path.join(root, 'pkg/npm/verifier/node.js')).href);
const { load } = await import(pathToFileURL(path.join(root, 'pkg/npm/node.js')).href);
const zk = await load({ threads: 1 });

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const port = await freePort();
const rpc = `http://127.0.0.1:${port}`;
const anvil = spawn(anvilBin, ['--host', '127.0.0.1', '--port', String(port), '--silent'], { stdio: 'ignore' });
const stop = () => { try { anvil.kill('SIGKILL'); } catch { /* gone */ } };
process.on('exit', stop);
const client = createPublicClient({ transport: http(rpc) });
for (let i = 0; ; i++) {
  try { await client.getChainId(); break; } catch (e) {
    if (i > 100) throw new Error(`anvil did not start on ${rpc}: ${e.message}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cli = (args, cwd) => execFileSync(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const cliFails = (args, cwd) => {
  try { execFileSync(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }); return false; } catch (e) {
    return e.stdout.toString() + e.stderr.toString();
  }
};

/** The proof with its last public value (an output) + 1, still canonical. */
function moved(proof) {
  const p = structuredClone(proof);
  const inst = p.instances[0];
  const le = Buffer.from(inst[inst.length - 1], 'hex');
  for (let i = 0; i < le.length; i++) { le[i] = (le[i] + 1) & 0xff; if (le[i] !== 0) break; }
  inst[inst.length - 1] = le.toString('hex');
  return p;
}

/** viem eth_call of the model contract: true / false / 'revert'. */
async function onChain(to, proof) {
  try {
    const { data } = await client.call({ to, data: light.encodeCalldata(proof) });
    return BigInt(data) === 1n;
  } catch {
    return 'revert';
  }
}

let verifier = null;
const rows = [];
try {
  for (const dir of models) {
    const name = path.basename(dir);
    const work = path.join(root, 'target/evm', name);
    fs.rmSync(work, { recursive: true, force: true });
    // the on-chain profile: calibration keeps to 1 or 2 lanes (fewer columns, fewer MSM terms);
    // the browser's proof below rests on the default calibration's keys (browser_proofs)
    cli(['e2e', dir, '--work-dir', work, '--num-inner-cols', '1,2']);
    const json = (f) => JSON.parse(fs.readFileSync(path.join(work, f), 'utf8'));
    const settings = json('settings.json');
    const srs = new Uint8Array(fs.readFileSync(path.join(work, `kzg${settings.run_args.logrows}.srs`)));
    const bundle = new Uint8Array(fs.readFileSync(path.join(work, 'verifier.bundle')));

    // the CLI's path: create → deploy → verify (the reusable verifier deployed once)
    const terms = Number(cli(['create-evm-verifier'], work).match(/opening MSM\s+(\d+) terms/)[1]);
    const deployArgs = ['deploy-evm', '--rpc-url', rpc, '--private-key', KEY];
    const out = cli(verifier ? [...deployArgs, '--addr-verifier', verifier] : deployArgs, work);
    if (!verifier) verifier = out.match(/^verifier\s+(0x[0-9a-fA-F]{40})/m)[1];
    const model = fs.readFileSync(path.join(work, 'addr.txt'), 'utf8').trim();
    const code = await client.getCode({ address: model });
    const size = (code.length - 2) / 2;
    assert.ok(size <= 24576, `${name}: model contract ${size} bytes, over EIP-170`);
    const v = cli(['verify-evm', '--addr-verifier', model, '--rpc-url', rpc], work);
    assert.match(v, /verified on chain: true/, `${name}: verify-evm`);
    const gasCli = Number(v.match(/^gas\s+(\d+)/m)[1]);

    // the proofs: the CLI's, one made in Node here, the browser's if browser_proofs left one
    const proofs = { cli: json('proof.json') };
    const onnx = new Uint8Array(fs.readFileSync(path.join(dir, 'network.onnx')));
    const salt = fs.readFileSync(path.join(work, 'network.salt'), 'utf8').trim();
    const compiled = zk.compileCircuit(onnx, settings, salt);
    const witness = zk.genWitness(compiled, JSON.parse(fs.readFileSync(path.join(dir, 'input.json'), 'utf8')));
    proofs.node = zk.prove(compiled, witness, new Uint8Array(fs.readFileSync(path.join(work, 'pk.key'))), srs);
    const browser = path.join(root, 'target/browser-proofs', name);
    const browserProof = path.join(browser, 'proof-browser.json');
    if (fs.existsSync(browserProof)) {
      // browser_proofs made its own keys: that proof goes to a contract of its own bundle
      const bdir = path.join(work, 'browser');
      fs.mkdirSync(bdir, { recursive: true });
      fs.copyFileSync(path.join(browser, 'verifier.bundle'), path.join(bdir, 'verifier.bundle'));
      cli(['create-evm-verifier'], bdir);
      cli([...deployArgs, '--addr-verifier', verifier], bdir);
      proofs.browser = { proof: JSON.parse(fs.readFileSync(browserProof, 'utf8')),
        model: fs.readFileSync(path.join(bdir, 'addr.txt'), 'utf8').trim(),
        bundle: new Uint8Array(fs.readFileSync(path.join(bdir, 'verifier.bundle'))) };
    }
    const gas = {};
    for (const [who, entry] of Object.entries(proofs)) {
      const { proof, model: to, bundle: b } = entry.proof ? entry : { proof: entry, model, bundle };
      assert.strictEqual(light.verify(proof, b), true, `${name}/${who}: the light verifier`);
      assert.strictEqual(await onChain(to, proof), true, `${name}/${who}: encodeCalldata + viem call`);
      assert.notStrictEqual(await onChain(to, moved(proof)), true, `${name}/${who}: a moved output on chain`);
      assert.strictEqual(light.verify(moved(proof), b), false, `${name}/${who}: a moved output, light verifier`);
      const p = path.join(work, `proof-${who}.json`);
      fs.writeFileSync(p, JSON.stringify(proof));
      assert.match(cli(['verify-evm', '--proof-path', p, '--addr-verifier', to, '--rpc-url', rpc], work),
        /verified on chain: true/, `${name}/${who}: verify-evm`);
      fs.writeFileSync(p, JSON.stringify(moved(proof)));
      assert.ok(cliFails(['verify-evm', '--proof-path', p, '--addr-verifier', to, '--rpc-url', rpc], work),
        `${name}/${who}: verify-evm refuses a moved output`);
      gas[who] = Number(await client.estimateGas({ to, data: light.encodeCalldata(proof) }));
    }
    const proofBytes = (proofs.cli.hex_proof.length - 2) / 2;
    // where the gas goes: calldata (EIP-2028: 16 per non-zero byte, 4 per zero byte), the MSM's
    // precompiles (ecMul 6,000 + ecAdd 150 per term), the pairing (45,000 + 34,000 per pair),
    // the transaction's base; the rest is the contract's own work. ezkl's published estimate
    // for a verifier with this many MSM terms: 21,000 + calldata + 45,100 + 34,000·2 +
    // 6,350·(terms − 2).
    const cd = Buffer.from(light.encodeCalldata(proofs.cli).slice(2), 'hex');
    const calldataGas = cd.reduce((a, b) => a + (b ? 16 : 4), 0);
    const msmGas = terms * 6150;
    const rest = gasCli - 21000 - calldataGas - msmGas - 113000;
    const ezklEstimate = 21000 + calldataGas + 45100 + 34000 * 2 + 6350 * (terms - 2);
    rows.push({ model: name, lanes: settings.run_args.num_inner_cols, logrows: settings.run_args.logrows,
      contract_bytes: size, proof_bytes: proofBytes,
      public_values: proofs.cli.instances[0].length, msm_terms: terms, gas_verify_evm: gasCli,
      gas_calldata: calldataGas, gas_msm: msmGas, gas_pairing: 113000, gas_rest: rest, ezkl_estimate: ezklEstimate,
      ...Object.fromEntries(Object.entries(gas).map(([k, g]) => [`gas_${k}`, g])) });
    console.log(`${name}: contract ${size} bytes, proof ${proofBytes} bytes, gas ${gasCli} (${Object.keys(proofs).join(', ')} proofs on chain)`);
  }
} finally {
  stop();
}
fs.mkdirSync(path.join(root, 'target/evm'), { recursive: true });
fs.writeFileSync(path.join(root, 'target/evm/gas.json'), JSON.stringify(rows, null, 2));
console.table(rows);
console.log('EVM: every proof verified on anvil through verify-evm and encodeCalldata + viem; moved outputs refused');
process.exit(0);
