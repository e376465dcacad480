// Options objects of the package's functions (load, Prover.create, prover.prove, prover.verify
// and their Worker counterparts): an unknown key is an Error listing the valid ones, so that a misspelt option
// (`runargs`, `onprogress`, `thread`) is never silently ignored. The keys of `runArgs` itself
// are checked by the WebAssembly module.

export const LOAD_OPTIONS = ['threads', 'single', 'wideArithmetic'];
export const CREATE_OPTIONS = ['calibration', 'target', 'srs', 'runArgs', 'settings', 'keys', 'salt', 'onProgress', 'signal'];
export const PROVE_OPTIONS = ['onProgress', 'signal'];
export const VERIFY_OPTIONS = PROVE_OPTIONS;

const squash = (s) => s.toLowerCase().replace(/[_-]/g, '');

/** Throws unless `opts` is undefined/null or a plain object whose keys are all in `valid`. */
export function checkOptions(where, opts, valid) {
  if (opts === undefined || opts === null) return;
  if (typeof opts !== 'object' || Array.isArray(opts) || ArrayBuffer.isView(opts)) {
    throw new TypeError(`${where}: options must be an object with some of the keys ${valid.join(', ')}`);
  }
  const unknown = Object.keys(opts).filter((k) => !valid.includes(k));
  if (unknown.length === 0) return;
  const hints = unknown.map((k) => {
    const a = squash(k);
    const near = valid.find((v) => squash(v) === a)
      ?? valid.find((v) => a.length >= 4 && (squash(v).startsWith(a) || a.startsWith(squash(v))))
      ?? valid.find((v) => a.length >= 4 && distance(a, squash(v)) <= 2);
    return near ? `\`${k}\` (did you mean \`${near}\`?)` : `\`${k}\``;
  });
  throw new TypeError(`${where}: unknown option${unknown.length > 1 ? 's' : ''} ${hints.join(', ')}; `
    + `the valid options are ${valid.join(', ')}`);
}

// Levenshtein distance (short strings)
function distance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
