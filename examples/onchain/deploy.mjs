// Puts a model on a chain as the oracle needs it, and writes the page's config.json:
//   1. the reusable verifier (contracts/ZkonnxVerifier.bin), once per chain (--verifier: reuse one)
//   2. the model's verifier contract: evmModelInitcode(verifier.bundle, verifier)
//   3. the ModelRegistry (--registry: reuse one; else compiled from ModelRegistry.sol and deployed)
//   4. registerModel(model ID, model contract, params commitment, where the commitment and the
//      outputs sit in the instances), read from the proof and bundle with zkonnx/verifier
//   5. OUT/config.json and OUT/model/ (the files the page proves with)
// Usage (from the zkonnx repository, with the zkonnx package installed or --zkonnx DIR):
//   node examples/onchain/deploy.mjs --rpc http://127.0.0.1:8545 --model DIR [--out DIR]
//     [--verifier 0x…] [--registry 0x…] [--key 0x…] [--zkonnx PACKAGE_DIR]
// DIR: a `zkonnx e2e` work dir (proof.json, verifier.bundle, settings.json, vk.key, pk.key,
// network.salt, kzg*.srs) that also holds the model's network.onnx and input.json.
// --key: the deployer's private key (default: anvil's first development key; never a real one
// on a command line).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPublicClient, createWalletClient, getAddress, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { anvil } from 'viem/chains';
import { compile } from '../../scripts/solc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '../..');
const { values: opt } = parseArgs({
  options: {
    rpc: { type: 'string' }, model: { type: 'string' }, out: { type: 'string' }, verifier: { type: 'string' },
    registry: { type: 'string' }, zkonnx: { type: 'string' },
    key: { type: 'string', default: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' },
  },
});
if (!opt.rpc || !opt.model) {
  console.error('usage: node deploy.mjs --rpc URL --model DIR [--out DIR] [--verifier 0x…] [--registry 0x…] [--key 0x…] [--zkonnx DIR]');
  process.exit(2);
}
const pkg = opt.zkonnx ? path.resolve(opt.zkonnx) : path.dirname(createRequire(path.join(here, 'x.js')).resolve('zkonnx/worker'));
const { inspect, evmLayout } = await import(pathToFileURL(path.join(pkg, 'verifier/node.js')).href);
const { evmModelInitcode } = await import(pathToFileURL(path.join(pkg, 'evm/node.js')).href);

const chain = { ...anvil, rpcUrls: { default: { http: [opt.rpc] } } };
const publicClient = createPublicClient({ chain, transport: http(opt.rpc) });
const wallet = createWalletClient({ account: privateKeyToAccount(opt.key), chain, transport: http(opt.rpc) });
async function deploy(abi, bytecode, what) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await wallet.deployContract({ abi, bytecode }) });
  if (receipt.status !== 'success') throw new Error(`${what}: deployment reverted`);
  console.log(`${what}: ${receipt.contractAddress} (gas ${receipt.gasUsed})`);
  return getAddress(receipt.contractAddress);
}

const dir = path.resolve(opt.model);
const proof = JSON.parse(fs.readFileSync(path.join(dir, 'proof.json'), 'utf8'));
const bundle = fs.readFileSync(path.join(dir, 'verifier.bundle'));

// 1. the reusable verifier: one per chain, every model's contract calls it
const verifierAbi = JSON.parse(fs.readFileSync(path.join(repo, 'contracts/ZkonnxVerifier.abi.json'), 'utf8'));
const verifier = opt.verifier ? getAddress(opt.verifier)
  : await deploy(verifierAbi, `0x${fs.readFileSync(path.join(repo, 'contracts/ZkonnxVerifier.bin'), 'utf8').trim()}`, 'reusable verifier');

// 2. the model's contract: a stub calling the reusable verifier, then the model's verifying key
const modelContract = await deploy(verifierAbi, evmModelInitcode(bundle, verifier), 'model contract');

// 3. the registry
const registryContract = compile(path.join(here, 'ModelRegistry.sol'), 'ModelRegistry');
const registry = opt.registry ? getAddress(opt.registry)
  : await deploy(registryContract.abi, `0x${registryContract.bytecode}`, 'ModelRegistry');

// 4. register the model: its ID, contract, params commitment, and where things sit in the
// instances (evmLayout: instance 0 is the layout digest). Committed params (the default) have
// no commitment among the instances: the model's contract pins the weights (0, 0)
const { modelId, paramCommitment, params: paramsKind } = inspect(proof, bundle);
const layout = evmLayout(bundle);
const params = layout.find((s) => s.role === 'params');
const output = layout.find((s) => s.role === 'output' && s.index === 0);
if (paramsKind !== 'committed' && (!paramCommitment || !params)) {
  throw new Error(`the registry needs params that bind the weights: committed (the default) or hashed; this model's are ${paramsKind}`);
}
if (!output || output.commitment) throw new Error('the registry needs public outputs (--output-visibility public)');
const [commitment, paramIndex] = paramsKind === 'committed' ? [0n, 0n] : [BigInt(paramCommitment), BigInt(params.first)];
const { request } = await publicClient.simulateContract({
  account: wallet.account, address: registry, abi: registryContract.abi, functionName: 'registerModel',
  args: [modelId, modelContract, commitment, paramIndex, BigInt(output.first), BigInt(output.rows), output.scale],
});
const receipt = await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract(request) });
if (receipt.status !== 'success') throw new Error('registerModel reverted');
console.log(`registered model ${modelId}: ${paramsKind === 'committed' ? 'committed params (pinned by its contract)'
  : `params commitment ${paramCommitment} at instance ${params.first}`}, `
  + `outputs at ${output.first}..${output.first + output.rows - 1}, scale 2^${output.scale}`);

// 5. the page's configuration and the model's files beside it
if (opt.out) {
  const out = path.resolve(opt.out);
  const srs = fs.readdirSync(dir).find((f) => /^kzg\d*\.srs$/.test(f));
  const files = { onnx: 'network.onnx', input: 'input.json', srs, settings: 'settings.json', vk: 'vk.key', pk: 'pk.key', salt: 'network.salt' };
  fs.mkdirSync(path.join(out, 'model'), { recursive: true });
  for (const f of Object.values(files)) fs.copyFileSync(path.join(dir, f), path.join(out, 'model', f));
  const config = { rpc: opt.rpc, registry, modelId, files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, `model/${f}`])) };
  fs.writeFileSync(path.join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  console.log(`wrote ${path.join(out, 'config.json')} and ${path.join(out, 'model')}/`);
}
