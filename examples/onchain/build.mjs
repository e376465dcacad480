// Builds the page into a static folder: index.html, app.js (viem bundled by esbuild) and the
// zkonnx package's browser files in zkonnx/ (left unbundled: its Worker and WebAssembly
// modules load from URLs relative to its scripts). Add config.json and the model's files.
// Usage: node build.mjs [OUT_DIR] [--zkonnx PACKAGE_DIR]
//   OUT_DIR: default ./dist beside this file; PACKAGE_DIR: the installed zkonnx package
//   (default: node_modules/zkonnx, looked up from this folder and from the working directory)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = args.indexOf('--zkonnx');
const pkgArg = flag >= 0 ? args.splice(flag, 2)[1] : null;
const out = path.resolve(args[0] ?? path.join(here, 'dist'));

function zkonnxDir() {
  if (pkgArg) return path.resolve(pkgArg);
  for (const from of [here, process.cwd()]) {
    try {
      // 'zkonnx/worker' resolves to <package>/worker.js
      return path.dirname(createRequire(path.join(from, 'x.js')).resolve('zkonnx/worker'));
    } catch { /* next */ }
  }
  throw new Error('build.mjs: the zkonnx package is not installed (npm install zkonnx), or pass --zkonnx DIR');
}
const pkg = zkonnxDir();
if (!fs.existsSync(path.join(pkg, 'worker.js'))) throw new Error(`build.mjs: ${pkg} is not the zkonnx package`);

fs.mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: [path.join(here, 'app.js')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  // resolved by index.html's import map
  external: ['zkonnx', 'zkonnx/*'],
  logLevel: 'warning',
});
fs.copyFileSync(path.join(here, 'index.html'), path.join(out, 'index.html'));
// the package without its Node build
fs.rmSync(path.join(out, 'zkonnx'), { recursive: true, force: true });
fs.cpSync(pkg, path.join(out, 'zkonnx'), { recursive: true, filter: (f) => path.relative(pkg, f) !== 'node' });
console.log(`built ${path.relative(process.cwd(), out) || '.'}: index.html, app.js, zkonnx/ (from ${pkg})`);
