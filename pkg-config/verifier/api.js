// `zkonnx/verifier`'s functions over the raw module (wasm-bindgen glue in ./zkonnx_verifier.js,
// initialised by index.js or node.js): proof.json as an object, a string or bytes; the bundle
// as bytes (Uint8Array or ArrayBuffer).

function proofOf(proof) {
  let p = proof;
  if (p instanceof ArrayBuffer) p = new Uint8Array(p);
  if (p instanceof Uint8Array) p = new TextDecoder().decode(p);
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p);
    } catch (e) {
      throw new Error(`proof: not JSON (${e.message})`);
    }
  }
  if (!p || typeof p.hex_proof !== 'string') throw new Error('proof: no `hex_proof` string (expected the contents of proof.json)');
  if (!Array.isArray(p.instances) || p.instances.length !== 1 || !Array.isArray(p.instances[0])
    || !p.instances[0].every((s) => typeof s === 'string')) {
    throw new Error('proof: `instances` must be one array of hex strings');
  }
  return p;
}

function bytesOf(bundle) {
  if (bundle instanceof Uint8Array) return bundle;
  if (bundle instanceof ArrayBuffer) return new Uint8Array(bundle);
  if (ArrayBuffer.isView(bundle)) return new Uint8Array(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  throw new Error('bundle: expected the bundle file\'s bytes (Uint8Array or ArrayBuffer)');
}

// wasm32 aborts on a panic (a bug): make it an Error that says so rather than `unreachable`
function guarded(f) {
  try {
    return f();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw new Error(`zkonnx verifier: internal error (${e.message})`, { cause: e });
    throw e;
  }
}

export function api(raw) {
  return {
    /** true if the proof verifies against the bundle, false if not; an Error for malformed input. */
    verify(proof, bundle) {
      const p = proofOf(proof);
      return guarded(() => raw.verifyRaw(p.hex_proof, p.instances[0], bytesOf(bundle)));
    },
    /** { fingerprint, inputs, outputs, logrows, version }: the public values as numbers. */
    inspect(proof, bundle) {
      const p = proofOf(proof);
      return guarded(() => raw.inspectRaw(p.instances[0], bytesOf(bundle)));
    },
    /** The bundle's fingerprint: compare it with the value the model's owner published. */
    fingerprint(bundle) {
      return guarded(() => raw.fingerprint(bytesOf(bundle)));
    },
  };
}
