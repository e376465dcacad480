// Compile zkonnx's contracts with npm's solc (solcjs, pinned in package.json; no binary is
// downloaded): contracts/<Name>.sol -> contracts/<Name>.bin (creation bytecode, hex) and
// contracts/<Name>.abi.json. `--check` compiles and compares with the committed files instead
// (the golden bytecode src/evm embeds), failing on any difference.
// Usage: node scripts/solc.mjs [--check] [Name ...]   (default: ZkonnxVerifier)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc');
const args = process.argv.slice(2);
const check = args.includes('--check');
const names = args.filter((a) => a !== '--check');
const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'contracts');

export function compile(file, name) {
  const input = {
    language: 'Solidity',
    sources: { [path.basename(file)]: { content: fs.readFileSync(file, 'utf8') } },
    settings: {
      optimizer: { enabled: true, runs: 1000000 },
      // no PUSH0 (Shanghai): the bytecode runs on every EVM chain
      evmVersion: 'paris',
      metadata: { bytecodeHash: 'none', appendCBOR: false },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const c = out.contracts[path.basename(file)][name];
  if (!c) throw new Error(`${file}: no contract ${name}`);
  return { abi: c.abi, bytecode: c.evm.bytecode.object, runtime: c.evm.deployedBytecode.object };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let bad = 0;
  for (const name of names.length ? names : ['ZkonnxVerifier']) {
    const c = compile(path.join(dir, `${name}.sol`), name);
    const bin = path.join(dir, `${name}.bin`);
    const abi = path.join(dir, `${name}.abi.json`);
    const abiText = `${JSON.stringify(c.abi, null, 2)}\n`;
    console.log(`${name}: solc ${solc.version()}, runtime ${c.runtime.length / 2} bytes (EIP-170 limit 24576), creation ${c.bytecode.length / 2} bytes`);
    if (check) {
      const same = fs.existsSync(bin) && fs.readFileSync(bin, 'utf8').trim() === c.bytecode
        && fs.existsSync(abi) && fs.readFileSync(abi, 'utf8') === abiText;
      if (!same) {
        console.error(`${name}: contracts/${name}.bin or .abi.json differ from what solc makes of the source: run node scripts/solc.mjs ${name}`);
        bad++;
      }
    } else {
      fs.writeFileSync(bin, `${c.bytecode}\n`);
      fs.writeFileSync(abi, abiText);
    }
  }
  process.exit(bad ? 1 : 0);
}
