// A high-level prover for web apps: made once from ONNX bytes (+ calibration data, SRS bytes),
// then proves inputs one after another. Progress goes to `onProgress(stage, fraction, info)`
// (`info`: the long stages' estimated seconds from the circuit's size, corrected by the stages
// already finished, and each stage's seconds once done); an
// AbortSignal cancels between stages (a stage itself runs to its end: `zkonnx/worker` runs a
// Prover in a Worker, where cancelling stops the Worker at once).
import { checkOptions, CREATE_OPTIONS, PROVE_OPTIONS } from './options.js';

export class Prover {
  constructor(zk, state) {
    this.zk = zk;
    Object.assign(this, state);
  }

  /**
   * @param zk the loaded module (`await load()`)
   * @param onnx Uint8Array of the model
   * @param opts { calibration, target, srs, runArgs, settings, keys: {vk, pk, bundle}, salt,
   *   onProgress, signal }: `salt` (0x…) is the params commitment's salt to reuse (with cached
   *   keys, pass the salt of the first run: the commitment then stays the published one);
   *   omitted, a fresh one. `settings`: the settings of an earlier run (`prover.settings`), used
   *   as they are instead of `runArgs`, `calibration` and `target`.
   */
  static async create(zk, onnx, opts = {}) {
    checkOptions('Prover.create', opts, CREATE_OPTIONS);
    opts ??= {};
    if (!opts.srs) throw new Error('Prover.create: `srs` (the SRS file bytes) is required');
    const clash = ['runArgs', 'calibration', 'target'].filter((k) => opts.settings && opts[k] !== undefined);
    if (clash.length) {
      throw new Error(`Prover.create: \`settings\` are used as they are: drop ${clash.map((k) => `\`${k}\``).join(', ')}`);
    }
    // the stages that run: fractions reach 1 at the last one
    const steps = [!opts.settings && 'settings', opts.calibration && 'calibrate', 'compile', 'srs', !opts.keys && 'setup'];
    const timing = newTiming();
    const stage = stager(steps.filter(Boolean), opts, timing);
    let settings = opts.settings ?? await stage('settings', () => zk.genSettings(onnx, opts.runArgs || {}));
    if (opts.calibration) {
      settings = await stage('calibrate', () => zk.calibrateSettings(onnx, settings, opts.calibration, opts.target || 'resources'));
    }
    const compiled = await stage('compile', () => zk.compileCircuit(onnx, settings, opts.salt ?? undefined));
    // seconds of setup, witness, prove and verify on this module and its threads
    timing.est = zk.estimateStages(compiled);
    const srs = await stage('srs', () => zk.loadSrs(opts.srs, settings.run_args.logrows));
    const keys = opts.keys || await stage('setup', () => zk.setup(compiled, srs));
    const hashed = settings.run_args.param_visibility === 'Hashed';
    // keys handed in: the bundle is rebuilt from their vk (a stale cached bundle would give a
    // model ID no proof matches); a vk of other settings is reported by the first proof
    let bundle = keys.bundle;
    if (opts.keys) {
      try { bundle = zk.bundleOf(keys.vk, srs, settings); } catch { /* the first prove says why */ }
    }
    let modelId = null;
    try { modelId = zk.modelId(compiled, bundle); } catch (e) { if (!opts.keys) throw e; }
    return new Prover(zk, {
      settings, compiled, srs, vk: keys.vk, pk: keys.pk, bundle,
      // the params salt (secret, keep it with the model), the commitment every proof carries,
      // and the model ID to publish (keys handed in are checked against it at the first proof)
      salt: hashed ? zk.paramSalt(compiled) : null,
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
    const stage = stager(['witness', 'prove'], opts ?? {}, this.timing);
    const witness = await stage('witness', () => this.zk.genWitness(this.compiled, input));
    const mismatch = (cause) => new Error('Prover: the keys given in `opts.keys` were not made for '
      + 'this model and these settings (its proof does not verify with them): drop `keys` to run '
      + 'setup again', cause ? { cause } : undefined);
    let proof;
    try {
      proof = await stage('prove', () => this.zk.prove(this.compiled, witness, this.pk, this.srs));
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

  verify(proof) {
    return this.zk.verify(proof, this.settings, this.vk, this.srs);
  }
}

// the long stages' estimates (zkonnx's `estimateStages`) and how the finished ones compared:
// the stages to come are rescaled by it (this machine may be slower or faster than the
// reference), within a factor of 4
const newTiming = () => ({ est: {}, estSum: 0, actSum: 0 });
function predict(timing, name) {
  const e = timing.est[name];
  if (e === undefined) return undefined;
  return timing.estSum > 0 ? e * Math.min(4, Math.max(0.25, timing.actSum / timing.estSum)) : e;
}

function stager(steps, { onProgress, signal } = {}, timing = newTiming()) {
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('`onProgress` must be a function (stage, fraction, info) => void');
  let done = 0;
  return async (name, f) => {
    if (signal?.aborted) throw new DOMException('zkonnx: cancelled before ' + name, 'AbortError');
    const estimate = predict(timing, name);
    onProgress?.(name, done / steps.length, { done: false, ...(estimate !== undefined && { estimate }) });
    await new Promise((r) => setTimeout(r, 0)); // let the page paint the progress
    const t0 = performance.now();
    const out = f();
    const seconds = (performance.now() - t0) / 1000;
    if (timing.est[name] > 0.05) { timing.estSum += timing.est[name]; timing.actSum += seconds; }
    done += 1;
    onProgress?.(name, done / steps.length, { done: true, seconds, ...(estimate !== undefined && { estimate }) });
    return out;
  };
}
