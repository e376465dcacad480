// The whole pipeline, as a page (or a Worker) runs it: ONNX -> settings -> calibrate -> compile
// -> SRS -> setup -> witness -> mock -> prove -> verify, then bad inputs. Used by prove.html on
// the page's main thread or in a module Worker (prove-worker.js).
// params: pkg (mt | mt-wide | web), loader (npm), threads, model (URL folder), srs (URL), keys (URL folder
// holding vk.key and pk.key: skip setup), prover (0: skip the npm Prover API checks), profile
// hooks { start, stop } (main thread only). srsOnly (k): fetch `srs` and cut it down to k, twice,
// and stop there (scripts/bench_srs.mjs). settings (URL of a settings.json, e.g. the CLI's with a
// forced logrows): use it instead of generating and calibrating; mock=0: skip the mock prover
// (it holds every cell of every column: scripts/bench_tab.mjs's large circuits).
export async function pipeline(params, log = () => {}, hooks = {}) {
  const kind = params.pkg || (self.crossOriginIsolated ? 'mt' : 'web');
  const model = params.model || '/examples/lenet';
  const result = { kind, crossOriginIsolated: self.crossOriginIsolated, inWorker: typeof window === 'undefined', times: {} };
  const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  try {
    let zk;
    const t0 = performance.now();
    if (params.loader === 'npm') {
      // the packed npm package's own loader, as a page without a bundler uses it
      const { load } = await import('/pkg/npm/browser.js');
      zk = await load({ threads: Number(params.threads || 2) });
      result.module = zk.module;
    } else {
      zk = await import(`/pkg/${kind}/zkonnx.js`);
      await zk.default();
      if (kind.startsWith('mt')) await zk.initThreadPool(Number(params.threads || navigator.hardwareConcurrency));
    }
    result.times.load = (performance.now() - t0) / 1000; // fetch + compile + instantiate (+ thread pool)
    result.threads = zk.numThreads();
    result.threadsUsed = zk.threadsUsed();
    if (params.srsOnly) {
      let t1 = performance.now();
      const file = await bytes(params.srs);
      result.times.srs_fetch = (performance.now() - t1) / 1000;
      for (const run of ['srs_load', 'srs_load_again']) {
        t1 = performance.now();
        result.srsBytes = zk.loadSrs(file, Number(params.srsOnly)).length;
        result.times[run] = (performance.now() - t1) / 1000;
      }
      return result;
    }
    const onnx = await bytes(`${model}/network.onnx`);
    const input = await (await fetch(`${model}/input.json`)).json();
    let t = performance.now();
    const lap = (k) => { const n = performance.now(); result.times[k] = (n - t) / 1000; t = n; log(`${k} ${result.times[k].toFixed(2)} s`); };
    let settings;
    if (params.settings) {
      settings = await (await fetch(params.settings)).json();
    } else {
      settings = zk.genSettings(onnx, {});
      settings = zk.calibrateSettings(onnx, settings, input, 'resources');
    }
    lap('calibrate');
    // with the CLI's keys, its params salt too: committed params' published commitments (in
    // its vk) are made with that salt, and a proof with another one does not link to them
    const salted = ['Committed', 'Hashed'].includes(settings.run_args.param_visibility);
    const salt = params.keys && salted ? (await (await fetch(`${params.keys}/network.salt`)).text()).trim() : undefined;
    const compiled = zk.compileCircuit(onnx, settings, salt); lap('compile');
    const srs = params.srs
      ? zk.loadSrs(await bytes(params.srs), settings.run_args.logrows)
      : zk.genSrs(settings.run_args.logrows, 1);
    lap('srs');
    const keys = params.keys
      ? { vk: await bytes(`${params.keys}/vk.key`), pk: await bytes(`${params.keys}/pk.key`) }
      : zk.setup(compiled, srs);
    lap(params.keys ? 'load_keys' : 'setup');
    const witness = zk.genWitness(compiled, input); lap('gen_witness');
    if (params.mock !== '0') { zk.mock(compiled, witness); lap('mock'); }
    if (hooks.start) { await hooks.start(); t = performance.now(); }
    const proof = zk.prove(compiled, witness, keys.pk, srs); lap('prove');
    if (hooks.stop) await hooks.stop();
    result.memoryBytes = zk.memoryBytes(); // linear memory never shrinks: the peak so far
    result.verified = zk.verify(proof, settings, keys.vk, srs); lap('verify');
    result.outputs = witness.pretty_elements.rescaled_outputs;
    // bad input: Errors with messages, and the module stays usable
    const msg = (f) => { try { f(); return null; } catch (e) { return (e instanceof Error) ? e.message : 'not an Error: ' + e; } };
    result.errors = {
      onnx: msg(() => zk.genSettings(new Uint8Array([1, 2, 3]), {})),
      length: msg(() => zk.genWitness(compiled, { input_data: [[0.5]] })),
      pk: msg(() => zk.prove(compiled, witness, keys.pk.slice(0, 64), srs)),
    };
    result.verifiedAgain = zk.verify(proof, settings, keys.vk, srs);
    if (params.loader === 'npm' && params.prover !== '0') {
      // the high-level Prover: progress per stage, cancel between stages, then usable again
      const { Prover } = await import('/pkg/npm/browser.js');
      const stages = [];
      const prover = await Prover.create(zk, onnx, { calibration: input, srs, onProgress: (s, f) => stages.push([s, f]) });
      const ac = new AbortController();
      let cancelled = null;
      try {
        await prover.prove(input, { signal: ac.signal, onProgress: (s) => { if (s === 'witness') ac.abort(); } });
      } catch (e) { cancelled = e.name; }
      const again = await prover.prove(input, { onProgress: (s, f) => stages.push([s, f]) });
      result.prover = { stages, cancelled, verified: prover.verify(again.proof), outputs: again.outputs };
      // an internal abort (a panic) is an Error naming it, and the module works on
      result.panic = msg(() => zk.__panicForTests('deliberate test panic'));
      await zk.ready();
      result.verifiedAfterPanic = zk.verify(proof, settings, keys.vk, srs);
    }
    result.proof = proof; result.settings = settings;
    result.vk = Array.from(keys.vk);
  } catch (e) {
    result.error = String(e && e.stack || e);
    log(result.error);
  }
  return result;
}
