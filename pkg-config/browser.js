// zkonnx in the browser: the threaded module when the page is cross-origin isolated (COOP/COEP
// headers), the single-threaded one otherwise. The functions of the returned object are the
// module's (see index.d.ts), guarded so that an internal abort becomes an Error (guard.js).
import { guard } from './guard.js';
import { checkOptions, LOAD_OPTIONS } from './options.js';

// A module using WebAssembly's wide-arithmetic instruction i64.mul_wide_u (one function
// (i64, i64) -> (i64, i64)): engines that validate it run the threaded build compiled with
// +wide-arithmetic (mt-wide/: 64×64→128-bit products in one instruction); the others the
// threaded build with 32-bit-limb field arithmetic (mt/). See PATCHES.md.
const WIDE_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x02, 0x7e, 0x7e, 0x02, 0x7e, 0x7e, // type: (i64 i64) -> (i64 i64)
  0x03, 0x02, 0x01, 0x00, // function 0 of type 0
  0x0a, 0x0a, 0x01, 0x08, 0x00, 0x20, 0x00, 0x20, 0x01, 0xfc, 0x16, 0x0b, // local.get 0 1, i64.mul_wide_u
]);

/** Whether this engine runs WebAssembly's wide-arithmetic instructions. */
export function hasWideArithmetic() {
  try {
    return WebAssembly.validate(WIDE_PROBE);
  } catch {
    return false;
  }
}

export async function load(options) {
  checkOptions('load', options, LOAD_OPTIONS);
  const { threads, single = false, wideArithmetic } = options ?? {};
  if (globalThis.crossOriginIsolated === true && !single) {
    const wide = wideArithmetic ?? hasWideArithmetic();
    const zk = wide ? await import('./mt-wide/zkonnx.js') : await import('./mt/zkonnx.js');
    await zk.default();
    await zk.initThreadPool(threads ?? (globalThis.navigator?.hardwareConcurrency || 2));
    return guard(zk, { threaded: true, module: wide ? 'mt-wide' : 'mt' });
  }
  const zk = await import('./web/zkonnx.js');
  await zk.default();
  return guard(zk, { module: 'web' });
}

export { Prover } from './prover.js';
