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
    /**
     * true if the proof verifies against the bundle, false if not; an Error for malformed input.
     * `expect`: { paramCommitment, inputCommitment, outputCommitment, fingerprint } (any subset):
     * false unless the proof's commitments / the bundle's fingerprint are exactly these.
     */
    verify(proof, bundle, expect = {}) {
      const p = proofOf(proof);
      const b = bytesOf(bundle);
      const known = ['paramCommitment', 'inputCommitment', 'outputCommitment', 'fingerprint'];
      for (const k of Object.keys(expect ?? {})) {
        if (!known.includes(k)) throw new Error(`verify: unknown option \`${k}\` (expected ${known.join(', ')})`);
      }
      if (!guarded(() => raw.verifyRaw(p.hex_proof, p.instances[0], b))) return false;
      const want = (x) => (x === undefined || x === null ? null : String(x).trim().toLowerCase().replace(/^(0x)?/, '0x'));
      const i = guarded(() => raw.inspectRaw(p.instances[0], b));
      const checks = [
        [want(expect.paramCommitment), i.paramCommitment],
        [want(expect.inputCommitment), i.inputCommitments[0] ?? null],
        [want(expect.outputCommitment), i.outputCommitments[0] ?? null],
        [want(expect.fingerprint)?.slice(2) ?? null, i.fingerprint],
      ];
      return checks.every(([w, got]) => w === null || w === got);
    },
    /**
     * What the proof's instances say: { fingerprint, inputs, outputs, paramCommitment,
     * inputCommitments, outputCommitments, logrows, version, srs, devSrs, devSrsSeed }.
     */
    inspect(proof, bundle) {
      const p = proofOf(proof);
      return guarded(() => raw.inspectRaw(p.instances[0], bytesOf(bundle)));
    },
    /**
     * The Poseidon commitment (0x…) of a tensor's quantized integers, as the circuit computes it:
     * { kind: 'params' | 'input' | 'output', values: number[] (integers), salt?: '0x…',
     *   limbBits?: number, bundle?: bytes (to take limbBits from) }.
     */
    commitment({ kind, values, salt, limbBits, bundle } = {}) {
      const bits = limbBits ?? (bundle ? guarded(() => raw.bundleLimbBits(bytesOf(bundle))) : undefined);
      if (bits === undefined) throw new Error('commitment: give limbBits or the bundle');
      return guarded(() => raw.commitmentRaw(kind, Float64Array.from(values), salt ?? undefined, bits));
    },
    /** The bundle's fingerprint: compare it with the value the model's owner published. */
    fingerprint(bundle) {
      return guarded(() => raw.fingerprint(bytesOf(bundle)));
    },
  };
}
