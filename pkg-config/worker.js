// `zkonnx/worker`: the Prover in a module Worker, so that a page never runs a proof on its main
// thread (a WebAssembly call there freezes the page for its whole duration, and the threaded
// module is slower there: its calling thread spins instead of blocking).
//
//   import { ProverWorker } from 'zkonnx/worker';
//   const prover = await ProverWorker.create(onnx, { calibration, srs, onProgress });
//   const { proof, outputs } = await prover.prove(input, { signal });
//
// The Worker loads the threaded module when the page is cross-origin isolated, the
// single-threaded one otherwise (as `load()` does). Cancelling (an AbortSignal) stops the Worker
// at once, even in the middle of a stage; the next call starts a fresh Worker with the same
// settings, keys and salt (it compiles the circuit and reads the SRS again, no setup).
// `srs` may be a function of logrows (`(k) => bytes`, sync or async): it runs here, in the page,
// when the Worker asks for it (once calibration has fixed k, and again at each restart).
// While a long stage runs, `onProgress` also gets interpolated events from the estimate
// (progress.js `clock`: this thread is free while the Worker computes).
import { checkOptions, CREATE_OPTIONS, LOAD_OPTIONS, PROVE_OPTIONS, VERIFY_OPTIONS } from './options.js';
import { clock } from './progress.js';

const abortError = (what) => new DOMException(`zkonnx: ${what} cancelled`, 'AbortError');

export class ProverWorker {
  #onnx;
  #opts;
  #load;
  #worker = null;
  #seq = 0;
  #pending = new Map();
  #queue = Promise.resolve();
  #terminated = false;

  constructor(onnx, opts, load) {
    this.#onnx = onnx;
    this.#opts = opts;
    this.#load = load;
  }

  /**
   * Starts a Worker and makes the Prover there: `opts` are Prover.create's (without `zk`),
   * `load` the options of `load()` in the Worker ({ threads, single, wideArithmetic }).
   */
  static async create(onnx, opts = {}, load = {}) {
    checkOptions('ProverWorker.create', opts, CREATE_OPTIONS);
    checkOptions('ProverWorker.create (load options, the third argument)', load, LOAD_OPTIONS);
    if (typeof Worker === 'undefined' || globalThis.process?.versions?.node) {
      throw new Error('zkonnx/worker needs Web Workers (a browser); in Node, use Prover from \'zkonnx\'');
    }
    const { onProgress, signal, ...rest } = opts ?? {};
    if (!rest.srs) throw new Error('ProverWorker.create: `srs` (the SRS file bytes, or a function of logrows giving them) is required');
    const pw = new ProverWorker(onnx, rest, load ?? {});
    try {
      await pw.#request('create', pw.#createArgs(false), { onProgress, signal });
    } catch (e) {
      pw.terminate();
      throw e;
    }
    return pw;
  }

  /** Prove one input ({ input_data: [[...]] }): { proof, witness, outputs }. */
  prove(input, opts = {}) {
    checkOptions('proverWorker.prove', opts, PROVE_OPTIONS);
    return this.#request('prove', { input }, opts ?? {});
  }

  /** Verify a proof with this model's keys (in the Worker): true or false. `opts`: { onProgress,
   * signal } (the stage 'verify'). */
  verify(proof, opts = {}) {
    checkOptions('proverWorker.verify', opts, VERIFY_OPTIONS);
    return this.#request('verify', { proof }, opts ?? {});
  }

  /** The float model's outputs on the first sample of `input` (computed in the Worker). */
  floatOutputs(input) {
    return this.#request('floatOutputs', { input }, {});
  }

  /** Bytes of the Worker's WebAssembly memory (the peak so far). */
  memoryBytes() {
    return this.#request('memoryBytes', {}, {});
  }

  /** Stops the Worker; calls in progress reject with an AbortError, later ones with an Error. */
  terminate() {
    this.#terminated = true;
    this.#stop(abortError('the call'));
  }

  #createArgs(restart) {
    const opts = restart
      // the same model again: the settings, keys and salt it made the first time
      ? { srs: this.#opts.srs, settings: this.settings, keys: { vk: this.vk, pk: this.pk, bundle: this.bundle }, salt: this.salt ?? undefined }
      : { ...this.#opts };
    // a function stays here: the Worker asks for its bytes (srsRequest)
    const srsFromPage = typeof opts.srs === 'function';
    if (srsFromPage) delete opts.srs;
    return { onnx: this.#onnx, opts, load: this.#load, restart, srsFromPage };
  }

  // the page's `srs(k)` for the Worker's Prover (which checks what it gave, as for bytes passed
  // directly)
  async #srsReply(w, id, k) {
    try {
      w.postMessage({ srsReply: id, bytes: await this.#opts.srs(k) });
    } catch (e) {
      w.postMessage({ srsReply: id, error: { message: e instanceof Error ? e.message : String(e) } });
    }
  }

  #request(op, args, { onProgress, signal }) {
    const run = async () => {
      if (this.#terminated) throw new Error('ProverWorker: terminated');
      if (signal?.aborted) throw abortError(op);
      if (op !== 'create' && !this.#worker) {
        // the Worker was stopped (cancelled, or it died): a fresh one with the same model
        await this.#send('create', this.#createArgs(true), { onProgress, signal });
      }
      return this.#send(op, args, { onProgress, signal });
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => {});
    return p;
  }

  #spawn() {
    const w = new Worker(new URL('./prover-worker.js', import.meta.url), { type: 'module' });
    w.addEventListener('message', ({ data }) => {
      const call = this.#pending.get(data?.id);
      if (!call) return;
      if (data.progress) {
        call.clock.progress(...data.progress);
        return;
      }
      if (data.srsRequest !== undefined) {
        this.#srsReply(w, data.id, data.srsRequest);
        return;
      }
      this.#pending.delete(data.id);
      call.cleanup();
      if (data.error) {
        const e = new Error(data.error.message);
        if (data.error.name === 'AbortError') e.name = 'AbortError';
        // the threaded module cannot restart in place: the next call takes a fresh Worker
        if (/load it again/.test(data.error.message)) this.#stop(null);
        call.reject(e);
      } else {
        if (call.op === 'create') Object.assign(this, data.value);
        call.resolve(data.value);
      }
    });
    w.addEventListener('error', (ev) => {
      ev.preventDefault?.();
      this.#stop(new Error(`zkonnx/worker: the Worker failed (${ev.message || 'out of memory, or its script did not load'})`));
    });
    w.addEventListener('messageerror', () => this.#stop(new Error('zkonnx/worker: a message from the Worker could not be read')));
    return w;
  }

  #send(op, args, { onProgress, signal }) {
    this.#worker ??= this.#spawn();
    const id = ++this.#seq;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.#stop(abortError(op));
      // progress, with a long stage's interpolated events between its boundaries
      const tick = clock(onProgress);
      const cleanup = () => {
        tick.stop();
        signal?.removeEventListener?.('abort', onAbort);
      };
      this.#pending.set(id, { op, resolve, reject, clock: tick, cleanup });
      signal?.addEventListener?.('abort', onAbort, { once: true });
      this.#worker.postMessage({ id, op, args });
    });
  }

  // terminates the Worker; every call waiting on it rejects with `why`
  #stop(why) {
    this.#worker?.terminate();
    this.#worker = null;
    for (const call of this.#pending.values()) {
      call.cleanup();
      call.reject(why ?? new Error('zkonnx/worker: the Worker stopped'));
    }
    this.#pending.clear();
  }
}
