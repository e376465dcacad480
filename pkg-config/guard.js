// Every call into a loaded zkonnx module goes through `guard`. Errors zkonnx reports (bad ONNX,
// wrong input, malformed keys...) are already `Error`s and pass through. A panic inside the
// WebAssembly aborts the call with `RuntimeError: unreachable`; here it becomes an `Error` that
// names the panic (left in `globalThis.__zkonnxPanic` by the module's panic hook) or, without
// one, the abort (typically memory exhausted), and the module gets a fresh instance so the next
// call works (on a page's main thread the new instance is made asynchronously: `await
// zk.ready()` before the next call). The threaded module shares its memory with its workers and
// cannot be restarted in place: after an abort it refuses further calls with an `Error` saying
// to load it again.

const SKIP = new Set(['default', 'initSync', 'initThreadPool', 'wbg_rayon_start_worker', '__wbg_reset_state']);

export function guard(mod, { threaded = false, module } = {}) {
  let dead = null;
  let restarting = null;
  const api = {
    /** Resolves once the module can take calls (after a restart). */
    ready: () => restarting ?? Promise.resolve(),
    /** Which build runs: 'web', 'mt', 'mt-wide' (browser) or 'node', 'mt' (Node). */
    module,
  };
  for (const [name, f] of Object.entries(mod)) {
    if (typeof f !== 'function' || SKIP.has(name) || /^[A-Z]/.test(name)) continue;
    api[name] = (...args) => {
      if (dead) throw new Error(dead);
      if (restarting) throw new Error('zkonnx: the module is restarting after an internal error: `await zk.ready()` first');
      try {
        const out = f(...args);
        return name === 'setup' ? plainKeys(out) : out;
      } catch (e) {
        if (!(e instanceof WebAssembly.RuntimeError)) throw e;
        const panic = globalThis.__zkonnxPanic?.replace(/\s+/g, ' ');
        globalThis.__zkonnxPanic = undefined;
        const why = panic
          ? `panic: ${panic}`
          : `the WebAssembly module aborted (${e.message}), most likely out of memory`;
        if (threaded) {
          dead = `zkonnx: the threaded module stopped after an internal error in ${name} (${why}); load it again`;
          throw new Error(dead, { cause: e });
        }
        restarting = restart(mod)?.then(() => { restarting = null; });
        throw new Error(`zkonnx: internal error in ${name}: ${why}. The module was restarted.`, { cause: e });
      }
    };
  }
  return Object.freeze(api);
}

// A fresh instance for the single-threaded module (wasm-bindgen's reset-state function). It
// instantiates synchronously, which Chromium refuses on a page's main thread for modules over
// 8 MB: there the instance is made asynchronously and handed to the same reset function.
function restart(mod) {
  try {
    mod.__wbg_reset_state();
    return null;
  } catch (e) {
    if (!/main thread/.test(String(e?.message))) throw e;
  }
  const Instance = WebAssembly.Instance;
  let made;
  WebAssembly.Instance = function capture(module, imports) {
    made = { module, imports };
    throw new Error('captured');
  };
  try {
    mod.__wbg_reset_state();
  } catch {
    // expected: the module and imports are captured
  } finally {
    WebAssembly.Instance = Instance;
  }
  return WebAssembly.instantiate(made.module, made.imports).then((instance) => {
    WebAssembly.Instance = function adopt() { return instance; };
    try {
      mod.__wbg_reset_state();
    } finally {
      WebAssembly.Instance = Instance;
    }
  });
}

// `setup` returns a wasm-bindgen object tied to one instance: hand out plain bytes instead.
function plainKeys(keys) {
  const out = { vk: keys.vk, pk: keys.pk, bundle: keys.bundle };
  keys.free?.();
  return out;
}
