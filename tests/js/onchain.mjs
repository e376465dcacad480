// The on-chain oracle of examples/onchain, end to end on a local chain (anvil): the reusable
// verifier (contracts/ZkonnxVerifier.bin), each model's verifier contract (zkonnx/evm's
// evmModelInitcode) and the ModelRegistry (examples/onchain/ModelRegistry.sol, compiled with
// npm's solc) deployed; models A (committed params, the default: its contract pins the weights)
// and B (hashed params: the registry checks the params commitment) registered by their model
// ID, params commitment and layout (inspect, evmLayout). Checked:
// - the CLI's proof of A verifies through A's contract (encodeCalldata + eth_call), a forged
//   one does not; every verifier contract's runtime code fits EIP-170 (24,576 bytes);
// - verifyInference stores exactly the proof's output instances, decoded into signed integers
//   (= the witness's quantized outputs; divided by 2^scale = inspect's outputs), with the model
//   ID, submitter, block, scale and instances hash; the event says the same;
// - A' and B' are A and B with a fresh params salt (zkonnx e2e again). A' (committed) has other
//   published commitments, so another contract: A's contract rejects A''s proof. B' (hashed) has
//   B's circuit and keys, so B's contract accepts B''s proof: only the registered params
//   commitment tells the two apart;
// - the registry rejects, each with its custom error: B's valid proof under A's ID, A''s
//   under A's and A's under A''s (InvalidProof: A's contract pins its weights), B's proof under
//   the entry of B' and B''s under B's (WrongParams), B's proof with B''s commitment spliced in
//   (InvalidProof), a forged output (InvalidProof), an unknown ID (UnknownModel), short
//   instances (MalformedInstances), a non-owner registering (NotOwner), a second registration
//   (AlreadyRegistered), an address without code (NotAContract), a commitment without its
//   instance (BadLayout);
// - the README's consumer contract (its solidity block) reads A's inference and refuses B's;
// - the dApp page (examples/onchain: deploy.mjs registers A on a registry of its own, build.mjs
//   builds the page against the packed package) proves A (committed params) in Chromium with zkonnx/worker
//   (threaded, COOP/COEP), submits with viem and reads back the stored prediction, equal to its
//   proof's outputs and to the CLI's; configured with another model ID, it refuses to prove.
// Gas of each verifyInference is printed.
// Usage: node tests/js/onchain.mjs DIR_A DIR_B   (after scripts/pack.sh; each DIR a `zkonnx e2e`
// work dir that also holds the model's network.onnx and input.json, with committed or hashed
// params; DIR_A's should be committed and DIR_B's hashed, to cover both)
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  concat, ContractFunctionRevertedError, createPublicClient, createWalletClient, decodeFunctionResult, getAddress, http, keccak256,
  numberToHex, parseAbi, parseEventLogs, toHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { anvil as anvilChain } from 'viem/chains';
import { compile } from '../../scripts/solc.mjs';
import { registryAbi as registryAbiText } from '../../examples/onchain/registry-abi.js';
import { serve } from './serve.mjs';
import { launch, run } from './chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'target/release/zkonnx');
const anvilBin = path.join(root, 'node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil');
const ANVIL_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const OTHER_ACCOUNT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'; // anvil's second account
const R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;
const EIP170 = 24576;
const t0 = performance.now();
const secs = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const toSigned = (x) => (x > (R - 1n) / 2n ? x - R : x);

if (process.argv.length < 4) {
  console.error('usage: node tests/js/onchain.mjs DIR_A DIR_B   (zkonnx e2e work dirs holding network.onnx and input.json)');
  process.exit(2);
}
const [dirA, dirB] = process.argv.slice(2, 4).map((d) => path.resolve(d));

// everything started here is stopped at the end, also on failure
let anvilProc = null;
let server = null;
let ctx = null;
const temps = [];
const stopAnvil = () => { if (anvilProc && anvilProc.exitCode === null && !anvilProc.killed) anvilProc.kill('SIGTERM'); };
process.on('exit', stopAnvil);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopAnvil(); process.exit(130); });

const tmp = (prefix) => { const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix)); temps.push(d); return d; };
const srsOf = (dir) => fs.readdirSync(dir).find((f) => /^kzg\d*\.srs$/.test(f));

function startAnvil() {
  return new Promise((resolve, reject) => {
    anvilProc = spawn(anvilBin, ['--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const onData = (d) => {
      log = (log + d).slice(-20000);
      const m = /Listening on (127\.0\.0\.1:\d+)/.exec(log);
      if (m) resolve(`http://${m[1]}`);
    };
    anvilProc.stdout.on('data', onData);
    anvilProc.stderr.on('data', onData);
    anvilProc.on('error', reject);
    anvilProc.on('exit', (code) => reject(new Error(`anvil exited (${code}) before listening:\n${log}`)));
    setTimeout(() => reject(new Error(`anvil did not start in 30 s:\n${log}`)), 30_000).unref();
  });
}

// a model dir: its files, and what zkonnx/verifier reads from its bundle and proof
function loadModel(zkv, dir, name) {
  const missing = ['network.onnx', 'input.json', 'settings.json', 'vk.key', 'pk.key', 'verifier.bundle', 'proof.json', 'network.salt']
    .filter((f) => !fs.existsSync(path.join(dir, f)));
  if (!srsOf(dir)) missing.push('kzg*.srs');
  if (missing.length) {
    throw new Error(`${name} (${dir}): missing ${missing.join(', ')}: give a \`zkonnx e2e\` work dir that also holds the model's network.onnx and input.json`);
  }
  const proof = JSON.parse(fs.readFileSync(path.join(dir, 'proof.json'), 'utf8'));
  const bundle = new Uint8Array(fs.readFileSync(path.join(dir, 'verifier.bundle')));
  const info = zkv.inspect(proof, bundle);
  const layout = zkv.evmLayout(bundle);
  const params = layout.find((s) => s.role === 'params');
  const out = layout.find((s) => s.role === 'output' && s.index === 0);
  // committed params: the model's contract pins the weights (registered as commitment 0 at
  // instance 0); hashed: the params commitment among the instances
  const committed = info.params === 'committed';
  if (!committed && (!params?.commitment || !info.paramCommitment)) throw new Error(`${name}: the registry needs committed or hashed params; this model's are ${info.params}`);
  if (!out || out.commitment) throw new Error(`${name}: the registry needs public outputs; evmLayout: ${JSON.stringify(layout)}`);
  const [proofHex, instances] = zkv.proofArgs(proof);
  const commitment = committed ? 0n : BigInt(info.paramCommitment);
  const paramIndex = committed ? 0n : BigInt(params.first);
  if (committed) assert.strictEqual(params, undefined, `${name}: committed params have no public value`);
  else assert.strictEqual(instances[params.first], commitment, `${name}: the params commitment sits at instance ${params.first}`);
  return { name, dir, proof, bundle, info, layout, params, out, proofHex, instances, commitment, paramIndex, committed, modelId: info.modelId };
}

// the custom error (name, args) a call reverts with, or null when it does not revert
async function revertOf(f) {
  try {
    await f();
    return null;
  } catch (e) {
    const r = e.walk?.((x) => x instanceof ContractFunctionRevertedError);
    if (!r?.data) throw e;
    return { errorName: r.data.errorName, args: r.data.args ?? [] };
  }
}

async function main() {
  // the packed package, installed in an empty project as a user gets it
  const tgz = fs.readdirSync(path.join(root, 'pkg')).find((f) => /^zkonnx-.*\.tgz$/.test(f));
  if (!tgz) throw new Error('pkg/zkonnx-*.tgz is missing: run scripts/pack.sh');
  const proj = tmp('zkonnx-onchain-proj-');
  fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'onchain-test', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', path.join(root, 'pkg', tgz)], { cwd: proj, stdio: ['ignore', 'ignore', 'inherit'] });
  const pkgDir = path.join(proj, 'node_modules/zkonnx');
  const zkv = await import(pathToFileURL(path.join(pkgDir, 'verifier/node.js')).href);
  const { evmModelInitcode } = await import(pathToFileURL(path.join(pkgDir, 'evm/node.js')).href);

  const A = loadModel(zkv, dirA, 'A');
  const B = loadModel(zkv, dirB, 'B');
  assert.notStrictEqual(A.modelId, B.modelId, 'two different models');
  assert.ok(A.committed && !B.committed, `A's params committed (${A.info.params}), B's hashed (${B.info.params})`);
  // a model with a fresh params salt, proven by the CLI with its SRS and visibility: the same
  // circuit, another model ID
  const twin = (m, name) => {
    const d = tmp('zkonnx-onchain-twin-');
    execFileSync(bin, ['e2e', m.dir, '--work-dir', d, '--srs-path', path.join(m.dir, srsOf(m.dir)),
      '--param-visibility', m.info.params], { stdio: 'ignore' });
    for (const f of ['network.onnx', 'input.json']) fs.copyFileSync(path.join(m.dir, f), path.join(d, f));
    return loadModel(zkv, d, name);
  };
  const A2 = twin(A, "A'");
  const B2 = twin(B, "B'");
  // committed: other published commitments, so other keys (another bundle); hashed: the same
  // keys (the bundle is byte-identical) and another params commitment
  assert.notDeepStrictEqual(A2.bundle, A.bundle, "A' (committed): its commitments are in its keys");
  assert.deepStrictEqual(B2.bundle, B.bundle, "B' (hashed) has B's keys: the same bundle");
  assert.notStrictEqual(B2.commitment, B.commitment, "B' has another params commitment");
  for (const [x, y] of [[A, A2], [B, B2]]) assert.notStrictEqual(x.modelId, y.modelId, `${y.name}: another model ID`);
  console.log(`models: A ${A.modelId} (${path.relative(root, dirA)}, committed), B ${B.modelId} (${path.relative(root, dirB)}, hashed), `
    + `A' ${A2.modelId}, B' ${B2.modelId} (fresh salts) (${secs()})`);

  // the chain
  const rpc = await startAnvil();
  const account = privateKeyToAccount(ANVIL_KEY);
  const chain = { ...anvilChain, rpcUrls: { default: { http: [rpc] } } };
  const pub = createPublicClient({ chain, transport: http(rpc) });
  const wallet = createWalletClient({ account, chain, transport: http(rpc) });
  const deploy = async (abi, bytecode, what, args) => {
    const hash = await wallet.deployContract({ abi, bytecode, args });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    assert.strictEqual(receipt.status, 'success', `${what}: deployment failed`);
    const code = await pub.getCode({ address: receipt.contractAddress });
    const size = (code.length - 2) / 2;
    console.log(`deployed ${what} at ${receipt.contractAddress}: runtime ${size} bytes, gas ${receipt.gasUsed}`);
    return { address: getAddress(receipt.contractAddress), size };
  };
  console.log(`anvil at ${rpc}`);

  // 1. the reusable verifier, once per chain; 2. each model's contract
  const verifierAbi = JSON.parse(fs.readFileSync(path.join(root, 'contracts/ZkonnxVerifier.abi.json'), 'utf8'));
  const verifier = await deploy(verifierAbi, `0x${fs.readFileSync(path.join(root, 'contracts/ZkonnxVerifier.bin'), 'utf8').trim()}`, 'reusable verifier (ZkonnxVerifier)');
  const contractA = await deploy(verifierAbi, evmModelInitcode(A.bundle, verifier.address), 'model A contract');
  const contractB = await deploy(verifierAbi, evmModelInitcode(B.bundle, verifier.address), 'model B contract');
  const contractA2 = await deploy(verifierAbi, evmModelInitcode(A2.bundle, verifier.address), "model A' contract");
  for (const [what, c] of [['reusable verifier', verifier], ['model A contract', contractA], ['model B contract', contractB], ["model A' contract", contractA2]]) {
    assert.ok(c.size > 0 && c.size <= EIP170, `${what}: runtime code ${c.size} bytes, over EIP-170's ${EIP170}`);
  }

  // 3. the registry; its ABI as the page writes it (registry-abi.js) is solc's
  const compiled = compile(path.join(root, 'examples/onchain/ModelRegistry.sol'), 'ModelRegistry');
  const abi = parseAbi(registryAbiText);
  const shape = (ps = []) => ps.map((p) => (p.type.startsWith('tuple') ? [p.type, shape(p.components)] : p.type));
  const sig = (x) => JSON.stringify([x.type, x.name, shape(x.inputs), shape(x.outputs), x.stateMutability ?? null,
    (x.inputs ?? []).map((p) => !!p.indexed)]);
  assert.deepStrictEqual(abi.map(sig).sort(), compiled.abi.filter((x) => x.type !== 'constructor').map(sig).sort(),
    'examples/onchain/registry-abi.js = ModelRegistry.sol\'s ABI');
  const registry = await deploy(compiled.abi, `0x${compiled.bytecode}`, 'ModelRegistry');
  assert.ok(registry.size <= EIP170);
  const read = (functionName, args) => pub.readContract({ address: registry.address, abi, functionName, args });
  const simulate = (functionName, args, from = account) => pub.simulateContract({ account: from, address: registry.address, abi, functionName, args });
  const send = async (functionName, args, opts = {}) => {
    const hash = await wallet.writeContract({ address: registry.address, abi, functionName, args, ...opts });
    return pub.waitForTransactionReceipt({ hash });
  };

  // the model contracts alone: the CLI's proofs verify (encodeCalldata + eth_call), a forged one does not
  const verifyCall = async (to, proof) => {
    const { data } = await pub.call({ to, data: zkv.encodeCalldata(proof) });
    return decodeFunctionResult({ abi: verifierAbi, functionName: 'verifyProof', data });
  };
  assert.strictEqual(await verifyCall(contractA.address, A.proof), true, "A's proof through A's contract");
  assert.strictEqual(await verifyCall(contractB.address, B.proof), true, "B's proof through B's contract");
  const forged = structuredClone(A.proof);
  forged.instances[0][A.out.first] = '0'.repeat(64); // claim the first output was 0
  assert.strictEqual(await verifyCall(contractA.address, forged), false, "A's proof with a forged output: false");
  assert.strictEqual(await verifyCall(contractA.address, A2.proof), false, "A''s proof through A's contract: false (the contract pins committed weights)");
  assert.strictEqual(await verifyCall(contractA2.address, A2.proof), true, "A''s proof through its own contract");
  assert.strictEqual(await verifyCall(contractB.address, B2.proof), true, "B''s proof through B's contract: the contract does not pin hashed weights");
  const verifyGas = await pub.estimateGas({ account, to: contractA.address, data: zkv.encodeCalldata(A.proof) });
  const verifyGasB = await pub.estimateGas({ account, to: contractB.address, data: zkv.encodeCalldata(B.proof) });
  console.log(`model contracts: A's and B's CLI proofs verify, a forged output does not; A' (other salt) fails A's contract, B' (other salt) verifies with B's; `
    + `verifyProof alone: ${verifyGas} gas (estimate, A, committed), ${verifyGasB} (B, hashed)`);

  // 4. register the models: model ID, verifier contract, params commitment, layout
  const register = (m, contract) => send('registerModel', [m.modelId, contract, m.commitment, m.paramIndex,
    BigInt(m.out.first), BigInt(m.out.rows), m.out.scale]);
  for (const [m, c] of [[A, contractA], [B, contractB], [A2, contractA2], [B2, contractB]]) {
    const receipt = await register(m, c.address);
    assert.strictEqual(receipt.status, 'success', `register ${m.name}`);
    const [v, scale, commitment, paramIndex, outputFirst, outputRows] = await read('models', [m.modelId]);
    assert.deepStrictEqual([v, scale, commitment, paramIndex, outputFirst, outputRows],
      [c.address, m.out.scale, m.commitment, m.paramIndex, BigInt(m.out.first), BigInt(m.out.rows)]);
  }
  console.log(`registered A, B, A' (its own contract) and B' (B's contract, B''s commitment) (${secs()})`);

  // 5. accepted proofs: the stored prediction is the proof's
  const gas = {};
  const accept = async (m, label) => {
    const { result } = await simulate('verifyInference', [m.modelId, m.proofHex, m.instances]);
    const receipt = await send('verifyInference', [m.modelId, m.proofHex, m.instances]);
    assert.strictEqual(receipt.status, 'success', `${label}: verifyInference`);
    gas[label] = receipt.gasUsed;
    const [ev] = parseEventLogs({ abi, logs: receipt.logs, eventName: 'InferenceVerified' });
    const id = ev.args.inferenceId;
    assert.strictEqual(id, result, `${label}: the event's inference ID is the one returned`);
    const expected = m.instances.slice(m.out.first, m.out.first + m.out.rows).map(toSigned);
    const stored = await read('outputsOf', [id]);
    assert.deepStrictEqual(stored, expected, `${label}: stored outputs = the proof's output instances, decoded`);
    assert.deepStrictEqual(stored, m.proof.pretty_public_inputs.outputs[0].map(BigInt), `${label}: = the prover's quantized outputs`);
    assert.deepStrictEqual(stored.map((q) => Number(q) / 2 ** m.out.scale), m.info.outputs[0], `${label}: real values = inspect's outputs`);
    assert.deepStrictEqual(ev.args.outputs, expected);
    assert.strictEqual(ev.args.scale, m.out.scale);
    assert.strictEqual(ev.args.modelId, m.modelId);
    assert.strictEqual(ev.args.submitter, account.address);
    const inf = await read('getInference', [id]);
    assert.deepStrictEqual(inf, {
      modelId: m.modelId, submitter: account.address, blockNumber: receipt.blockNumber, scale: m.out.scale,
      instancesHash: keccak256(concat(m.instances.map((x) => numberToHex(x, { size: 32 })))), outputs: expected,
    }, `${label}: getInference`);
    console.log(`${label}: accepted, inference #${id}, gas ${receipt.gasUsed}; stored ${JSON.stringify(stored.map(String))} / 2^${m.out.scale} = inspect's outputs`);
    return id;
  };
  const idA = await accept(A, "A's CLI proof under A's ID");
  const idB = await accept(B, "B's CLI proof under B's ID");
  await accept(A2, "A''s CLI proof under A''s ID");
  await accept(B2, "B''s CLI proof under B''s ID");

  // 6. rejections, each with its custom error (eth_call; one sent as a transaction too)
  const splice = (m, at, value) => m.instances.map((x, i) => (i === at ? value : x));
  const cases = [
    ["B's valid proof under A's ID", 'verifyInference', [A.modelId, B.proofHex, B.instances], 'InvalidProof',
      (a) => a[0] === A.modelId],
    // committed params: the contracts tell A and A' apart (a well-formed proof that fails: false)
    ["A''s valid proof under A's ID (A's contract pins A's weights)", 'verifyInference', [A.modelId, A2.proofHex, A2.instances], 'InvalidProof',
      (a) => a[0] === A.modelId && a[1] === false],
    ["A's valid proof under A''s ID", 'verifyInference', [A2.modelId, A.proofHex, A.instances], 'InvalidProof',
      (a) => a[0] === A2.modelId && a[1] === false],
    // hashed params: the registered commitment tells B and B' apart
    ["B's valid proof under B''s ID (B's contract, another commitment)", 'verifyInference', [B2.modelId, B.proofHex, B.instances], 'WrongParams',
      (a) => a[1] === B2.commitment && a[2] === B.commitment],
    ["B''s valid proof under B's ID", 'verifyInference', [B.modelId, B2.proofHex, B2.instances], 'WrongParams',
      (a) => a[1] === B.commitment && a[2] === B2.commitment],
    ["B's proof with B''s commitment spliced in, under B''s ID", 'verifyInference', [B2.modelId, B.proofHex, splice(B, B.params.first, B2.commitment)], 'InvalidProof',
      (a) => a[0] === B2.modelId],
    ["A's proof with a forged output, under A's ID", 'verifyInference', [A.modelId, A.proofHex, splice(A, A.out.first, 0n)], 'InvalidProof',
      (a) => a[1] === false],
    ["A's proof under an unregistered ID", 'verifyInference', [keccak256(toHex('no such model')), A.proofHex, A.instances], 'UnknownModel'],
    ["A's proof with its instances cut short", 'verifyInference', [A.modelId, A.proofHex, A.instances.slice(0, A.out.first)], 'MalformedInstances'],
    ['registering a model from another account', 'registerModel', [keccak256(toHex('squatter')), contractA.address, 1n, 1n, 2n, 1n, 0], 'NotOwner', null, OTHER_ACCOUNT],
    ['registering A a second time', 'registerModel', [A.modelId, contractB.address, B.commitment, 1n, 2n, 1n, 0], 'AlreadyRegistered'],
    ['registering an address without code', 'registerModel', [keccak256(toHex('eoa')), OTHER_ACCOUNT, 1n, 1n, 2n, 1n, 0], 'NotAContract'],
    ['registering a params commitment without its instance', 'registerModel', [keccak256(toHex('no index')), contractA.address, 5n, 0n, 2n, 1n, 0], 'BadLayout'],
  ];
  for (const [label, fn, args, errorName, check, from] of cases) {
    const r = await revertOf(() => simulate(fn, args, from ?? account));
    assert.ok(r, `${label}: not rejected`);
    assert.strictEqual(r.errorName, errorName, `${label}: ${r.errorName}(${r.args.map(String)}) instead of ${errorName}`);
    if (check) assert.ok(check(r.args), `${label}: ${errorName}(${r.args.map(String)})`);
    const shown = errorName === 'InvalidProof' ? `InvalidProof(reverted: ${r.args[1]}${r.args[1] ? `, reason ${r.args[2]}` : ''})` : errorName;
    console.log(`rejected: ${label}: ${shown}`);
  }
  // on chain too (not only eth_call): the transaction reverts, no inference is stored
  const before = await read('inferenceCount');
  const bad = await send('verifyInference', [A.modelId, B.proofHex, B.instances], { gas: 3_000_000n });
  assert.strictEqual(bad.status, 'reverted', "B's proof under A's ID, sent: the transaction reverts");
  assert.strictEqual(await read('inferenceCount'), before);
  assert.strictEqual(await read('toSigned', [R - 1n]), -1n);
  assert.strictEqual(await read('toSigned', [(R - 1n) / 2n]), (R - 1n) / 2n);
  assert.strictEqual(await read('toSigned', [(R + 1n) / 2n]), -((R - 1n) / 2n));
  console.log(`rejections: ok (${secs()})`);

  // the README's consumer contract (its ```solidity block), compiled and deployed for model A
  const readme = fs.readFileSync(path.join(root, 'examples/onchain/README.md'), 'utf8');
  const sol = /```solidity\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(sol, 'examples/onchain/README.md has a ```solidity block');
  const solFile = path.join(tmp('zkonnx-onchain-sol-'), 'TopClass.sol');
  fs.writeFileSync(solFile, sol);
  const top = compile(solFile, 'TopClass');
  const topAddress = await deploy(top.abi, `0x${top.bytecode}`, "the README's consumer (TopClass) for A", [registry.address, A.modelId]).then((c) => c.address);
  const outsA = await read('outputsOf', [idA]);
  const best = outsA.reduce((b, x, i) => (x > outsA[b] ? i : b), 0);
  assert.deepStrictEqual(await pub.readContract({ address: topAddress, abi: top.abi, functionName: 'topClass', args: [idA] }),
    [BigInt(best), outsA[best], A.out.scale], "TopClass reads A's inference");
  const notA = await revertOf(() => pub.simulateContract({ address: topAddress, abi: top.abi, functionName: 'topClass', args: [idB] }));
  assert.strictEqual(notA?.errorName, 'NotThisModel', "TopClass refuses B's inference");
  console.log(`README's consumer contract: top class of inference #${idA} is ${best}; B's inference refused (NotThisModel)`);

  // 7. the dApp page, set up as examples/onchain/README.md says: deploy.mjs (the verifier
  // above reused: one per chain; A's contract and a registry of its own; config.json and the
  // model's files), build.mjs (the page with viem bundled, the packed package beside it)
  const site = tmp('zkonnx-onchain-site-');
  const example = (script, args) => execFileSync('node', [path.join(root, 'examples/onchain', script), ...args, '--zkonnx', pkgDir], { stdio: 'inherit' });
  example('deploy.mjs', ['--rpc', rpc, '--model', dirA, '--out', site, '--verifier', verifier.address]);
  example('build.mjs', [site]);
  const config = JSON.parse(fs.readFileSync(path.join(site, 'config.json'), 'utf8'));
  assert.strictEqual(config.modelId, A.modelId);
  assert.notStrictEqual(config.registry, registry.address, 'deploy.mjs made a registry of its own');
  const readPage = (functionName, args) => pub.readContract({ address: config.registry, abi, functionName, args });
  assert.deepStrictEqual((await readPage('models', [A.modelId])).slice(1),
    [A.out.scale, A.commitment, A.paramIndex, BigInt(A.out.first), BigInt(A.out.rows)], 'deploy.mjs registered A as the test did');
  const served = await serve(site, { isolate: true }); // COOP/COEP: the threaded prover
  server = served.server;
  ctx = await launch();
  const tPage = performance.now();
  const { page, result: r } = await run(ctx, `${served.url}/index.html`, { timeout: 900_000 });
  assert.ok(r && !r.error, `the page failed: ${r?.error}`);
  assert.ok(['mt', 'mt-wide'].includes(r.module) && r.threads >= 2, `the page proved with the threaded module (${r.module}, ${r.threads} threads)`);
  assert.strictEqual(r.modelId, A.modelId);
  const id = BigInt(r.inferenceId);
  assert.strictEqual(id, 0n, "the page's registry: its first inference");
  const pageExpected = r.proofOutputs.map((x) => toSigned(BigInt(x)));
  assert.deepStrictEqual(r.stored.map(BigInt), pageExpected, "the page's stored prediction = its proof's output instances, decoded");
  assert.deepStrictEqual(r.stored.map((q) => Number(q) / 2 ** r.scale), r.outputs[0], "… = its proof's outputs");
  assert.deepStrictEqual(pageExpected, A.instances.slice(A.out.first, A.out.first + A.out.rows).map(toSigned), "… = the CLI's for the same input");
  const inf = await readPage('getInference', [id]);
  assert.strictEqual(inf.modelId, A.modelId);
  assert.strictEqual(inf.submitter, account.address);
  assert.deepStrictEqual(inf.outputs, pageExpected, 'read back from Node: the same prediction');
  const text = await page.evaluate(() => document.getElementById('status').textContent);
  assert.match(text, /stored on-chain: the stored prediction is the proof's/);
  gas["the page's proof of A (browser)"] = BigInt(r.gasUsed);
  console.log(`page: proved A in Chromium (${r.module}, ${r.threads} threads), inference #${id} stored, gas ${r.gasUsed}, `
    + `read back = the proof's outputs (${((performance.now() - tPage) / 1000).toFixed(1)} s)`);
  // the page refuses to prove for a model ID its files are not (A' on the first registry)
  fs.writeFileSync(path.join(site, 'config-a2.json'), JSON.stringify({ ...config, registry: registry.address, modelId: A2.modelId }));
  const before2 = await read('inferenceCount');
  const { result: r2 } = await run(ctx, `${served.url}/index.html?config=config-a2.json`, { timeout: 300_000, log: false });
  assert.strictEqual(r2.error, `these files are model ${A.modelId}, not ${A2.modelId}`, 'the page checks the model ID before proving');
  assert.strictEqual(await read('inferenceCount'), before2, 'nothing submitted');
  console.log(`page configured with A''s ID and A's files: "${r2.error}"`);

  console.log('gas per verifyInference:');
  for (const [k, v] of Object.entries(gas)) console.log(`  ${k}: ${v}`);
  console.log(`on-chain oracle: ok (${secs()})`);
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(`onchain: FAILED: ${e?.stack ?? e}`);
} finally {
  await ctx?.close().catch(() => {});
  server?.close();
  if (anvilProc && anvilProc.exitCode === null) {
    const exited = new Promise((resolve) => anvilProc.once('exit', resolve));
    stopAnvil();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
