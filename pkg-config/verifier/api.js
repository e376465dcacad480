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

export function bytesOf(bundle) {
  if (bundle instanceof Uint8Array) return bundle;
  if (bundle instanceof ArrayBuffer) return new Uint8Array(bundle);
  if (ArrayBuffer.isView(bundle)) return new Uint8Array(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  throw new Error('bundle: expected the bundle file\'s bytes (Uint8Array or ArrayBuffer)');
}

// wasm32 aborts on a panic (a bug): make it an Error that says so rather than `unreachable`
export function guarded(f) {
  try {
    return f();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw new Error(`zkonnx verifier: internal error (${e.message})`, { cause: e });
    throw e;
  }
}

// The expectations `verify` and `verifyReport` take. A key that is present must hold a value:
// `{ modelId: undefined }` (say, read from a missing URL parameter) is an Error, never a match.
const EXPECT_KEYS = ['modelId', 'paramCommitment', 'inputCommitments', 'outputCommitments',
  'inputCommitment', 'outputCommitment', 'fingerprint'];

function expectationsOf(expect) {
  if (expect === undefined) return { inputCommitments: [], outputCommitments: [] };
  if (expect === null || typeof expect !== 'object' || Array.isArray(expect)) {
    throw new Error('verify: `expect` must be an object such as { modelId: \'0x…\' }');
  }
  for (const k of Object.keys(expect)) {
    if (!EXPECT_KEYS.includes(k)) throw new Error(`verify: unknown option \`${k}\` (expected ${EXPECT_KEYS.join(', ')})`);
  }
  const one = (k) => {
    const v = expect[k];
    if (typeof v !== 'string' || v.trim() === '') {
      throw new Error(`verify: \`${k}\` is ${v === '' ? 'empty' : String(v)}: give the published value (0x…), or leave the key out`);
    }
    return v.trim();
  };
  const list = (plural, singular) => {
    if (Object.hasOwn(expect, plural) && Object.hasOwn(expect, singular)) {
      throw new Error(`verify: give \`${plural}\` or \`${singular}\`, not both`);
    }
    const k = Object.hasOwn(expect, plural) ? plural : singular;
    if (!Object.hasOwn(expect, k)) return [];
    const v = expect[k];
    if (!Array.isArray(v)) return [one(k)];
    if (v.length === 0) throw new Error(`verify: \`${k}\` is an empty list: give the published values, or leave the key out`);
    return v.map((x, i) => {
      if (typeof x !== 'string' || x.trim() === '') throw new Error(`verify: \`${k}[${i}]\` is ${String(x)}: give the published value (0x…)`);
      return x.trim();
    });
  };
  const has = (k) => Object.hasOwn(expect, k);
  return {
    modelId: has('modelId') ? one('modelId') : undefined,
    paramCommitment: has('paramCommitment') ? one('paramCommitment') : undefined,
    fingerprint: has('fingerprint') ? one('fingerprint') : undefined,
    inputCommitments: list('inputCommitments', 'inputCommitment'),
    outputCommitments: list('outputCommitments', 'outputCommitment'),
  };
}

export function api(raw) {
  // { valid, pinned, statement, mismatch, info }: the one check both verify and verifyReport
  // make (in the module: the bundle parsed once, the expectations compared in Rust)
  const report = (proof, bundle, expect) => {
    const e = expectationsOf(expect);
    const p = proofOf(proof);
    const b = bytesOf(bundle);
    const r = guarded(() => raw.reportRaw(p.transcript_type ?? undefined, p.hex_proof, p.instances[0], b, e.modelId, e.paramCommitment,
      e.inputCommitments, e.outputCommitments, e.fingerprint));
    // an invalid proof whose `keys_fingerprint` (the prover's word, a hint for the message only:
    // nothing else is read from it) names other keys than the bundle's
    let otherKeys = null;
    if (!r.valid && r.mismatch === null && typeof p.keys_fingerprint === 'string') {
      const fp = guarded(() => raw.fingerprint(b));
      if (p.keys_fingerprint !== fp) otherKeys = { proof: p.keys_fingerprint, bundle: fp };
    }
    return { ...r, otherKeys };
  };
  const calldata = (proof) => {
    const p = proofOf(proof);
    return guarded(() => raw.encodeCalldataRaw(p.transcript_type ?? undefined, p.hex_proof, p.instances[0]));
  };
  return {
    /**
     * true if the proof verifies against the bundle and is of the expected model, false if not;
     * an Error for malformed input or an expectation present without a value.
     * `expect`: { modelId, paramCommitment, inputCommitments, outputCommitments, fingerprint }
     * (any subset; `inputCommitment` / `outputCommitment`: one string or a list, as the plural).
     * Pin `modelId`: it covers the circuit, its keys and SRS, and the params commitment.
     */
    verify(proof, bundle, expect) {
      return report(proof, bundle, expect).valid;
    },
    /**
     * The verdict with its reasons: { valid, pinned, statement, mismatch, info, otherKeys }.
     * `pinned`: 'model' | 'weights-only' | 'circuit-only' | 'nothing' (how much of the model the
     * expectations pinned), `statement` says so in words, `mismatch` why a valid proof is not
     * of the expected model (then `valid` is false), `info` is `inspect`'s (null if invalid),
     * `otherKeys` { proof, bundle } the fingerprints when an invalid proof says it was made with
     * other keys than the bundle's (the same model set up again, or with another SRS), or null.
     */
    verifyReport(proof, bundle, expect) {
      return report(proof, bundle, expect);
    },
    /** What to publish and what to pin, in the words the CLI and the pages use: { publish, pin }. */
    trustText() {
      return raw.trustText();
    },
    /**
     * What the proof's instances say: { fingerprint, modelId, params, paramsMeaning, inputs,
     * outputs, paramCommitment, inputCommitments, outputCommitments, logrows, version, srs,
     * devSrs, devSrsSeed } (not a verdict: `verify` is).
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
    /**
     * The calldata (0x…) of `verifyProof(bytes proof, uint256[] instances)`, the call a model's
     * verifier contract takes: send it with viem/ethers (`{ to: modelVerifier, data }`) or use
     * `proofArgs` with a contract ABI.
     */
    encodeCalldata(proof) {
      return calldata(proof);
    },
    /**
     * The arguments of `verifyProof` as viem/ethers take them: [proof (0x…), instances (bigint[])]
     * (for a registry contract that forwards them, e.g. examples/onchain).
     */
    proofArgs(proof) {
      const data = calldata(proof);
      // selector ‖ offsets ‖ proof length ‖ proof ‖ count ‖ instances (the canonical layout)
      const word = (i) => BigInt(`0x${data.slice(10 + 64 * i, 10 + 64 * (i + 1))}`);
      const len = Number(word(2));
      const proofHex = `0x${data.slice(10 + 64 * 3, 10 + 64 * 3 + 2 * len)}`;
      const at = 3 + len / 32;
      const n = Number(word(at));
      const instances = Array.from({ length: n }, (_, i) => word(at + 1 + i));
      return [proofHex, instances];
    },
    /**
     * Where each public tensor sits in `instances`: [{ role, index, first, rows, scale,
     * commitment }] (a contract reading a verified proof's outputs uses `first`, `rows`, `scale`).
     */
    evmLayout(bundle) {
      return guarded(() => raw.evmLayoutRaw(bytesOf(bundle)));
    },
  };
}
