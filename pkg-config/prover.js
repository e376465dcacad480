// A high-level prover for web apps: made once from ONNX bytes (+ calibration data, the SRS),
// then proves inputs one after another. The SRS may be a function of the model's logrows
// (`srs: (k) => bytes`, sync or async), called once calibration has fixed k. Progress goes to
// `onProgress(stage, fraction, info)` (progress.js: the long stages' estimated seconds from the
// circuit's size, corrected by the stages already finished, and each stage's seconds once done);
// an AbortSignal cancels between stages (a stage itself runs to its end: `zkonnx/worker` runs a
// Prover in a Worker, where cancelling stops the Worker at once, and moves a long stage's
// progress on a clock).
import { checkOptions, CREATE_OPTIONS, PROVE_OPTIONS, VERIFY_OPTIONS } from './options.js';
import { newTiming, stager } from './progress.js';

// the SRS file's bytes from `opts.srs`: bytes, or a function of k returning them (or a Promise)
async function srsBytes(srs, k) {
  const b = typeof srs === 'function' ? await srs(k) : srs;
  if (b instanceof Uint8Array) return b;
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (Object.prototype.toString.call(b) === '[object ArrayBuffer]') return new Uint8Array(b);
  throw new TypeError(typeof srs === 'function'
    ? `Prover.create: \`srs(${k})\` gave ${b === null ? 'null' : typeof b}, not the SRS file's bytes (a Uint8Array or ArrayBuffer)`
    : 'Prover.create: `srs` must be the SRS file\'s bytes (a Uint8Array) or a function of logrows returning them');
}

export class Prover {
  constructor(zk, state) {
    this.zk = zk;
    Object.assign(this, state);
  }

  /**
   * @param zk the loaded module (`await load()`)
   * @param onnx Uint8Array of the model
   * @param opts { calibration, target, srs, runArgs, settings, keys: {vk, pk, bundle}, salt,
   *   onProgress, signal }: `srs` the SRS file's bytes, or a function `(k) => bytes` (or a
   *   Promise of them) called with the model's logrows once calibration has fixed it. `salt`
   *   (0x…) is the params commitment's salt to reuse (with cached keys, pass the salt of the
   *   first run: the commitment then stays the published one); omitted, a fresh one. `settings`: the settings of an earlier run (`prover.settings`), used
   *   as they are instead of `runArgs`, `calibration` and `target`.
   */
  static async create(zk, onnx, opts = {}) {
    checkOptions('Prover.create', opts, CREATE_OPTIONS);
    opts ??= {};
    if (!opts.srs) throw new Error('Prover.create: `srs` (the SRS file bytes, or a function of logrows giving them) is required');
    const clash = ['runArgs', 'calibration', 'target'].filter((k) => opts.settings && opts[k] !== undefined);
    if (clash.length) {
      throw new Error(`Prover.create: \`settings\` are used as they are: drop ${clash.map((k) => `\`${k}\``).join(', ')}`);
    }
    // the stages that run: fractions reach 1 at the last one
    const steps = [!opts.settings && 'settings', opts.calibration && 'calibrate', 'compile', 'srs', !opts.keys && 'setup'];
    const timing = newTiming();
    const { run } = stager(steps.filter(Boolean), opts, timing);
    let settings = opts.settings ?? await run('settings', () => zk.genSettings(onnx, opts.runArgs || {}));
    if (opts.calibration) {
      settings = await run('calibrate', () => zk.calibrateSettings(onnx, settings, opts.calibration, opts.target || 'resources'));
    }
    const compiled = await run('compile', () => {
      const c = zk.compileCircuit(onnx, settings, opts.salt ?? undefined);
      // seconds of setup, witness, prove and verify on this module and its threads
      timing.est = zk.estimateStages(c);
      timing.rescale = (e, done) => zk.rescaleEstimate(e, done);
      return c;
    });
    const k = settings.run_args.logrows;
    // the SRS file (the caller's `srs(k)` runs first: its time is its own), then the `srs`
    // stage, estimated: cutting it down to k and checking it
    const srsFile = await srsBytes(opts.srs, k);
    timing.est.srs = zk.estimateSrs(srsFile, k);
    const srs = await run('srs', () => zk.loadSrs(srsFile, k));
    const keys = opts.keys || await run('setup', () => zk.setup(compiled, srs));
    const pv = settings.run_args.param_visibility;
    const hashed = pv === 'Hashed';
    // hashed and committed params are salted: the same salt gives the same commitments
    const salted = hashed || pv === 'Committed';
    // keys handed in: the bundle is rebuilt from their vk (a stale cached bundle would give a
    // model ID no proof matches); a vk of other settings is reported by the first proof
    let bundle = keys.bundle;
    if (opts.keys) {
      try { bundle = zk.bundleOf(keys.vk, srs, settings); } catch { /* the first prove says why */ }
    }
    let modelId = null;
    try { modelId = zk.modelId(compiled, bundle); } catch (e) { if (!opts.keys) throw e; }
    return new Prover(zk, {
      onnx, settings, compiled, srs, vk: keys.vk, pk: keys.pk, bundle,
      // the params salt (secret, keep it with the model), the commitment every proof carries,
      // and the model ID to publish (keys handed in are checked against it at the first proof)
      salt: salted ? zk.paramSalt(compiled) : null,
      commitment: hashed ? zk.commit(compiled) : null,
      modelId,
      // keys handed in (a cache) may come from other settings: the first proof checks them
      keysUnchecked: !!opts.keys,
      timing,
    });
  }

  /** Prove one input ({input_data: [[...]]}); returns { proof, witness, outputs }. */
  async prove(input, opts = {}) {
    checkOptions('prover.prove', opts, PROVE_OPTIONS);
    const { run } = stager(['witness', 'prove'], opts ?? {}, this.timing);
    const witness = await run('witness', () => this.zk.genWitness(this.compiled, input));
    const mismatch = (cause) => new Error('Prover: the keys given in `opts.keys` were not made for '
      + 'this model, these settings and this params salt (its proof does not verify with them): '
      + 'pass the `salt` they were made with, or drop `keys` to run setup again', cause ? { cause } : undefined);
    let proof;
    try {
      proof = await run('prove', () => this.zk.prove(this.compiled, witness, this.pk, this.srs));
    } catch (e) {
      throw this.keysUnchecked && e?.name !== 'AbortError' ? mismatch(e) : e;
    }
    if (this.keysUnchecked) {
      let ok = false;
      try { ok = this.verify(proof); } catch { /* a vk of other settings may not even parse */ }
      if (!ok) throw mismatch();
      this.keysUnchecked = false;
    }
    return { proof, witness, outputs: witness.pretty_elements.rescaled_outputs.map((o) => o.map(Number)) };
  }

  /** true if the proof verifies with this model's keys; `opts`: { onProgress, signal } (one
   * stage, 'verify', with its estimate). Synchronous. */
  verify(proof, opts = {}) {
    checkOptions('prover.verify', opts, VERIFY_OPTIONS);
    const { runSync } = stager(['verify'], opts ?? {}, this.timing);
    return runSync('verify', () => this.zk.verify(proof, this.settings, this.vk, this.srs));
  }

  /** The float model's outputs on the first sample of `input` (to show beside the proven ones). */
  floatOutputs(input) {
    return this.zk.floatOutputs(this.onnx, this.settings, input);
  }

  /** Bytes of the module's WebAssembly memory (the peak so far: it never shrinks). */
  memoryBytes() {
    return this.zk.memoryBytes();
  }
}

