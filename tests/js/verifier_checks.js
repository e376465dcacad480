// The light verifier's checks on one model, shared by the browser page (www/verify.html) and
// Node (verifier.mjs): `m` = { proof (proof.json object), bundle (bytes) } from the native CLI,
// `other` another model's. Returns what was observed; the callers assert.
export function checks(zk, m, other) {
  const out = {};
  const err = (f) => {
    try { return { value: f() }; } catch (e) { return { error: e instanceof Error ? e.message : `not an Error: ${e}` }; }
  };
  out.valid = zk.verify(m.proof, m.bundle);
  out.validFromText = zk.verify(JSON.stringify(m.proof), m.bundle.buffer.slice(0));
  out.validFromBytes = zk.verify(new TextEncoder().encode(JSON.stringify(m.proof)), m.bundle);
  out.info = zk.inspect(m.proof, m.bundle);
  // a tampered proof: the last evaluation before SHPLONK's two points (64 bytes each; with
  // committed params the link's two follow), the low bit of its last (big-endian: least
  // significant) byte flipped
  const hex = m.proof.hex_proof.replace(/^0x/, '');
  const at = hex.length - 2 * (out.info.params === 'committed' ? 256 : 128) - 2;
  const flipped = (parseInt(hex.slice(at, at + 2), 16) ^ 1).toString(16).padStart(2, '0');
  out.tampered = err(() => zk.verify({ ...m.proof, hex_proof: hex.slice(0, at) + flipped + hex.slice(at + 2) }, m.bundle));
  // a changed public output (the last public value, +1)
  const inst = [...m.proof.instances[0]];
  const last = inst.length - 1;
  const b = inst[last].replace(/^0x/, '');
  inst[last] = ((parseInt(b.slice(0, 2), 16) + 1) & 0xff).toString(16).padStart(2, '0') + b.slice(2);
  out.changedOutput = err(() => zk.verify({ ...m.proof, instances: [inst] }, m.bundle));
  out.otherBundle = err(() => zk.verify(m.proof, other.bundle));
  // the params commitment (hashed params) or the model ID (committed params: their commitments
  // are in the bundle): checked when expected; a params commitment expected of a proof that has
  // another one, or none, rejects it
  const right = out.info.paramCommitment ? { paramCommitment: out.info.paramCommitment } : { modelId: out.info.modelId };
  out.rightCommitment = err(() => zk.verify(m.proof, m.bundle, right));
  out.wrongCommitment = err(() => zk.verify(m.proof, m.bundle, { paramCommitment: '0x' + '2'.repeat(64) }));
  out.unknownOption = err(() => zk.verify(m.proof, m.bundle, { paramcommitment: 'x' }));
  out.expectedOutputs = m.proof.pretty_public_inputs.rescaled_outputs.map((r) => r.map(Number));
  out.fingerprint = zk.fingerprint(m.bundle);
  out.malformed = {
    truncatedBundle: err(() => zk.verify(m.proof, m.bundle.slice(0, 100))),
    garbageBundle: err(() => zk.verify(m.proof, new Uint8Array(300).fill(7))),
    truncatedProof: err(() => zk.verify({ ...m.proof, hex_proof: hex.slice(0, 200) }, m.bundle)),
    notJson: err(() => zk.verify('{"hex_proof": ', m.bundle)),
    noProof: err(() => zk.verify({}, m.bundle)),
  };
  out.validAfterErrors = zk.verify(m.proof, m.bundle);
  // verification time: median of 20
  const times = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    zk.verify(m.proof, m.bundle);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  out.medianMs = (times[9] + times[10]) / 2;
  return out;
}
