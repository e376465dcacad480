// The oracle's client: prove a prediction in the browser (zkonnx/worker), submit it to the
// ModelRegistry contract (viem), read the stored prediction back.
//
// config.json (beside index.html, or ?config=URL) says where everything is:
//   { "rpc": "http://127.0.0.1:8545", "registry": "0x…", "modelId": "0x…",
//     "files": { "onnx", "input", "srs", "settings", "vk", "pk", "salt" } }   (URLs)
// The model's files are the modeler's: the ONNX model, its settings, keys and params salt from
// `zkonnx e2e` / `setup` (the salt keeps the params commitment the registered one), the SRS,
// and an input.
import { ProverWorker } from 'zkonnx/worker';
import { proofArgs } from 'zkonnx/verifier';
import {
  ContractFunctionRevertedError, createPublicClient, createWalletClient, http, parseAbi, parseEventLogs,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { anvil } from 'viem/chains';
import { registryAbi } from './registry-abi.js';

// Anvil's first development account: its key is public, for a local chain only. On a real
// chain, sign with the user's wallet instead:
//   createWalletClient({ chain, transport: custom(window.ethereum) })
const ANVIL_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

const abi = parseAbi(registryAbi);
const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; console.log(text); };
const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());

async function main() {
  const config = await (await fetch(new URLSearchParams(location.search).get('config') ?? 'config.json')).json();
  const { files } = config;
  const chain = { ...anvil, rpcUrls: { default: { http: [config.rpc] } } };
  const publicClient = createPublicClient({ chain, transport: http(config.rpc) });
  const wallet = createWalletClient({ account: privateKeyToAccount(ANVIL_KEY), chain, transport: http(config.rpc) });
  $('model').textContent = config.modelId;

  // what the registry holds for this model: where the outputs sit, their scale
  const [verifier, scale, , , outputFirst, outputRows] = await publicClient.readContract({
    address: config.registry, abi, functionName: 'models', args: [config.modelId],
  });
  if (verifier === '0x0000000000000000000000000000000000000000') throw new Error(`model ${config.modelId} is not registered`);

  // 1. prove, in a Worker (threaded when the page is cross-origin isolated), with the modeler's
  // settings, keys and salt: the proof carries the registered params commitment
  status('loading the prover…');
  const prover = await ProverWorker.create(await bytes(files.onnx), {
    srs: await bytes(files.srs),
    settings: await (await fetch(files.settings)).json(),
    keys: { vk: await bytes(files.vk), pk: await bytes(files.pk) },
    salt: (await (await fetch(files.salt)).text()).trim(),
    onProgress: (stage, fraction) => status(`${stage}: ${Math.round(fraction * 100)} %`),
  });
  let proof, outputs;
  try {
    // the registry would reject a proof of other files (WrongParams, InvalidProof): say so now
    if (prover.modelId !== config.modelId) throw new Error(`these files are model ${prover.modelId}, not ${config.modelId}`);
    const input = await (await fetch(files.input)).json();
    ({ proof, outputs } = await prover.prove(input, {
      onProgress: (stage, fraction) => status(`${stage}: ${Math.round(fraction * 100)} %`),
    }));
  } finally {
    prover.terminate();
  }

  // 2. submit: simulate first (a rejection shows its custom error without spending gas)
  status('submitting the proof…');
  const [proofHex, instances] = proofArgs(proof);
  const { request } = await publicClient.simulateContract({
    account: wallet.account, address: config.registry, abi, functionName: 'verifyInference',
    args: [config.modelId, proofHex, instances],
  });
  const hash = await wallet.writeContract(request);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
  const [event] = parseEventLogs({ abi, logs: receipt.logs, eventName: 'InferenceVerified' });
  const id = event.args.inferenceId;
  $('tx').textContent = `${hash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`;

  // 3. consume: the prediction as the chain stored it, next to the proof's own outputs
  const stored = await publicClient.readContract({ address: config.registry, abi, functionName: 'outputsOf', args: [id] });
  const rows = stored.map((q, i) => {
    const real = Number(q) / 2 ** scale;
    return `<tr><td>${i}</td><td>${outputs[0][i]}</td><td>${q}</td><td>${real}</td></tr>`;
  });
  $('outputs').innerHTML = rows.join('');
  const same = stored.every((q, i) => Number(q) / 2 ** scale === outputs[0][i]);
  status(`inference #${id} stored on-chain: ${same ? 'the stored prediction is the proof\'s' : 'MISMATCH'}`);

  return {
    modelId: config.modelId, module: prover.module, threads: prover.threads, txHash: hash,
    gasUsed: String(receipt.gasUsed), inferenceId: String(id), scale, outputs,
    stored: stored.map(String),
    // the proof's output instances (field elements, as the contract received them)
    proofOutputs: instances.slice(Number(outputFirst), Number(outputFirst + outputRows)).map(String),
  };
}

// a contract's rejection by its custom error (WrongParams, InvalidProof…), other errors by message
function describe(e) {
  const revert = e.walk?.((x) => x instanceof ContractFunctionRevertedError);
  if (revert?.data) return `the registry rejected the proof: ${revert.data.errorName}(${(revert.data.args ?? []).join(', ')})`;
  return e.shortMessage ?? e.message;
}

main().then(
  (result) => { window.__result = result; },
  (e) => {
    status(`error: ${describe(e)}`);
    window.__result = { error: describe(e) };
  },
).finally(() => { window.__done = true; });
