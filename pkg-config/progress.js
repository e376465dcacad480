// Progress, in one place for the package and its users (the web app shows these events as they
// come): the stages' estimates and their rescaling by the finished stages (used by prover.js),
// and the clock that moves a long stage between its boundaries (used by worker.js, on the
// page's thread, which is free while the Worker computes).
//
// Events: onProgress(stage, fraction, info) with `fraction` of the call done (0 to 1) and `info`
// (StageInfo in index.d.ts):
//   start       { done: false, end, estimate? | indeterminate: true, estimates? }
//   interpolated{ done: false, end, estimate, elapsed, stageFraction, interpolated: true }
//   done        { done: true, seconds, estimate?, estimates? }
// `estimate`: the stage's seconds as estimated from the circuit's size (zkonnx's
// `estimateStages`: setup, witness, prove, verify; `estimateSrs`: srs, cutting the SRS file down
// once the caller's `srs(k)` has given it), rescaled by how the finished stages compared with
// their estimates; the other stages (load, settings, calibrate, compile) have none and say
// `indeterminate: true`. `estimates`: the same rescaled estimates of every long stage,
// once the circuit is compiled (for a page to show them before the stages run).

/** An interpolated stage never claims more than this share of itself: it ends when it ends. */
const MAX_STAGE_FRACTION = 0.95;
/** How often a long stage's interpolated progress is reported, in ms. */
export const CLOCK_MS = 200;

/** The estimates of one Prover (`est`: estimateStages' seconds), the finished stages'
 * (estimate, seconds) pairs, and the rule that rescales by them (`rescale`: the module's
 * `rescaleEstimate`, zkonnx's one rule, which the CLI applies too). */
export const newTiming = () => ({ est: {}, done: [], rescale: undefined });

/** The estimate of a stage, rescaled by the finished ones (undefined: no estimate). */
export function predict(timing, name) {
  const e = timing.est[name];
  if (e === undefined) return undefined;
  return timing.rescale ? timing.rescale(e, Float64Array.from(timing.done)) : e;
}

/** Every estimated stage's rescaled estimate, or undefined before the circuit is compiled. */
export function predictAll(timing) {
  const names = Object.keys(timing.est);
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((n) => [n, predict(timing, n)]));
}

function finished(timing, name, seconds) {
  if (timing.est[name] !== undefined) timing.done.push(timing.est[name], seconds);
}

/**
 * The stages of one call (`steps`: their names in order, so that `fraction` reaches 1 at the
 * last): `run(name, f)` awaits `f()` between a start and a done event; `runSync` the same,
 * synchronously (for `verify`, which returns its verdict at once). Cancelling (`signal`) is
 * checked before each stage.
 */
export function stager(steps, { onProgress, signal } = {}, timing = newTiming()) {
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError('`onProgress` must be a function (stage, fraction, info) => void');
  }
  let done = 0;
  const start = (name) => {
    if (signal?.aborted) throw new DOMException('zkonnx: cancelled before ' + name, 'AbortError');
    const estimate = predict(timing, name);
    const estimates = predictAll(timing);
    onProgress?.(name, done / steps.length, {
      done: false,
      end: (done + 1) / steps.length,
      ...(estimate !== undefined ? { estimate } : { indeterminate: true }),
      ...(estimates && { estimates }),
    });
    return { estimate, t0: performance.now() };
  };
  const end = (name, { estimate, t0 }) => {
    const seconds = (performance.now() - t0) / 1000;
    finished(timing, name, seconds);
    done += 1;
    const estimates = predictAll(timing);
    onProgress?.(name, done / steps.length, {
      done: true,
      seconds,
      ...(estimate !== undefined && { estimate }),
      ...(estimates && { estimates }),
    });
  };
  return {
    async run(name, f) {
      const s = start(name);
      await new Promise((r) => setTimeout(r, 0)); // let the page paint the progress
      const out = await f();
      end(name, s);
      return out;
    },
    runSync(name, f) {
      const s = start(name);
      const out = f();
      end(name, s);
      return out;
    },
  };
}

/**
 * Wraps `onProgress` so that a running stage with an estimate also reports, every CLOCK_MS, an
 * interpolated event: `info.elapsed` seconds since it started, `info.stageFraction` =
 * elapsed / estimate (at most 0.95) and `fraction` moved that far towards `info.end`. These are
 * estimates, not measurements: the stage itself reports nothing until it ends. `stop()` ends the
 * clock (a cancelled or failed call).
 */
export function clock(onProgress, ms = CLOCK_MS) {
  let timer = null;
  const stop = () => {
    clearInterval(timer);
    timer = null;
  };
  const progress = (stage, fraction, info) => {
    stop();
    onProgress?.(stage, fraction, info);
    if (!onProgress || !info || info.done || !(info.estimate > 0) || info.end === undefined) return;
    const t0 = performance.now();
    const { end, estimate } = info;
    timer = setInterval(() => {
      const elapsed = (performance.now() - t0) / 1000;
      const stageFraction = Math.min(MAX_STAGE_FRACTION, elapsed / estimate);
      onProgress(stage, fraction + (end - fraction) * stageFraction, {
        done: false, end, estimate, elapsed, stageFraction, interpolated: true,
      });
    }, ms);
  };
  return { progress, stop };
}
