// The verify page: a proof.json and a verifier.bundle, dropped, picked or linked
// (?proof=URL&bundle=URL&model=0x…), checked with zkonnx/verifier in this page against the
// expected model ID (and/or params commitment), typed or linked.
import { verifyReport, inspect, trustText } from 'zkonnx/verifier';

const $ = (id) => document.getElementById(id);
const state = { proof: null, bundle: null, broken: null };

function showError(msg) {
  $('error').textContent = msg;
  $('error').classList.remove('hidden');
  $('result').classList.add('hidden');
}

function check() {
  $('picked').textContent = `proof: ${state.proof ? 'loaded' : '—'} · bundle: ${state.bundle ? 'loaded' : '—'}`;
  if (state.broken) {
    showError(state.broken);
    window.__zkonnxVerify = { error: state.broken };
    return;
  }
  if (!state.proof || !state.bundle) return;
  $('error').classList.add('hidden');
  try {
    // what the reader expects: the fields left empty are not compared (the verifier says so)
    const expect = {};
    const model = $('expect_model').value.trim();
    const commitment = $('expect_commitment').value.trim();
    if (model) expect.modelId = model;
    if (commitment) expect.paramCommitment = commitment;
    const t = performance.now();
    const r = verifyReport(state.proof, state.bundle, expect);
    const ms = performance.now() - t;
    const info = r.info ?? inspect(state.proof, state.bundle);
    $('result').classList.remove('hidden');
    $('result').className = r.valid ? 'ok' : 'bad';
    const proofValid = r.valid || r.mismatch !== null;
    // the verifier's hint: the proof says it was made with other keys than this bundle's
    const otherKeys = r.otherKeys !== null;
    $('verdict').textContent = r.valid
      ? (r.pinned === 'model' ? '✔ VALID proof of the expected model' : '✔ VALID proof, but the model is NOT pinned (below)')
      : r.mismatch
        ? '✘ REJECTED: a valid proof, but not of the expected model'
        : otherKeys
          ? `✘ INVALID with this bundle: the proof was made with different keys (bundle ${r.otherKeys.proof.slice(0, 16)}…, this one ${r.otherKeys.bundle.slice(0, 16)}…). `
            + 'The same model set up again, or with another SRS, has other keys: check the proof with the bundle published with it.'
          : '✘ INVALID proof: it was not made by this model with these outputs';
    // how much of the model was pinned, in the verifier module's words (the CLI's)
    $('pinned').textContent = r.statement ? (r.pinned === 'model' ? '✔ ' : '⚠ ') + r.statement : (r.mismatch ?? '');
    $('pinned').className = r.pinned === 'model' ? 'ok' : 'unsafe';
    // the outputs under the verdict; the public inputs (an image: thousands of values) folded
    const rowsOf = (kind, ts) => ts.flatMap((vals, i) => vals.map((v, j) => `<tr><td>public ${kind} ${i}[${j}]</td><td>${v.toPrecision(6)}</td></tr>`));
    const outRows = r.valid ? rowsOf('output', info.outputs) : [];
    const inRows = r.valid ? rowsOf('input', info.inputs) : [];
    $('outputs').innerHTML = !r.valid ? '' : outRows.length ? '<tr><th></th><th>value</th></tr>' + outRows.join('')
      : `<tr><td>no public outputs</td></tr>`;
    $('inputs').innerHTML = inRows.length ? '<tr><th></th><th>value</th></tr>' + inRows.join('') : '';
    $('inputs_summary').textContent = `public inputs: ${inRows.length} value${inRows.length === 1 ? '' : 's'} (show)`;
    $('inputs_box').classList.toggle('hidden', inRows.length === 0);
    $('model_id').textContent = info.modelId;
    $('fingerprint').textContent = info.fingerprint;
    $('commitment').textContent = info.paramCommitment ?? (info.params === 'committed'
      ? '(none: the params are committed: their commitments are in the keys, under the model ID)'
      : '(none: the params are not hashed)');
    // what this proof establishes, per visibility, decoded from its instances
    const vis = {
      input: info.inputs.length ? 'public' : info.inputCommitments.length ? 'hashed' : 'private',
      output: info.outputs.length ? 'public' : info.outputCommitments.length ? 'hashed' : 'private',
    };
    // (the one wording of each visibility: zkonnx/verifier's trustText, as the CLI prints it)
    const meaning = (k) => `${k} ${vis[k]}: ${trustText().visibility[k][vis[k]]}`;
    $('meaning').innerHTML = [`params ${info.paramsMeaning}`, meaning('input'), meaning('output')]
      .map((text) => `<li>${text}</li>`).join('');
    $('srs').innerHTML = info.devSrs
      ? `<span class="unsafe">${info.srs}: do not trust these keys.</span>`
      : `SRS: ${info.srs}.`;
    $('timing').textContent = `verified in ${ms.toFixed(1)} ms`;
    window.__zkonnxVerify = { ok: r.valid, proofValid, pinned: r.pinned, mismatch: r.mismatch, info, otherKeys };
  } catch (e) {
    showError(e instanceof Error ? e.message : String(e));
    window.__zkonnxVerify = { error: String(e.message || e) };
  }
}

async function take(files) {
  for (const f of files) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (f.name.endsWith('.json')) state.proof = bytes;
    else state.bundle = bytes;
  }
  check();
}
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); take(e.dataTransfer.files); });
$('files').addEventListener('change', (e) => take(e.target.files));

const q = new URLSearchParams(location.search);
// a link that names an expectation without a value is broken, not "nothing expected"
for (const [k, id] of [['model', 'expect_model'], ['commitment', 'expect_commitment']]) {
  if (q.has(k) && !q.get(k).trim()) {
    state.broken = `The link's ?${k}= is empty: it must carry the value the model's owner published.`;
  }
  if (q.has(k)) {
    $(id).value = q.get(k);
    $('from_link').classList.remove('hidden');
  }
}
$('expect_model').addEventListener('input', () => { state.broken = null; check(); });
$('expect_commitment').addEventListener('input', () => { state.broken = null; check(); });
$('pin_text').textContent = trustText().pin;
// a linked file: a failed fetch of another origin is almost always CORS (the browser hides why)
async function fetchLinked(what, url) {
  const abs = new URL(url, location.href);
  let r;
  try {
    r = await fetch(abs);
  } catch (e) {
    const cross = abs.origin !== location.origin;
    throw new Error(`Could not fetch the linked ${what} (${abs.href}): `
      + (cross
        ? `it is on another origin (${abs.origin}) and the browser refused to let this page read it. That server must send `
          + '"Access-Control-Allow-Origin" (CORS) for it; or download the file and drop it here.'
        : `${e.message}.`));
  }
  if (!r.ok) throw new Error(`Could not fetch the linked ${what} (${abs.href}): HTTP ${r.status} ${r.statusText}.`);
  return new Uint8Array(await r.arrayBuffer());
}
if (q.get('proof') && q.get('bundle')) {
  try {
    state.proof = await fetchLinked('proof', q.get('proof'));
    state.bundle = await fetchLinked('bundle', q.get('bundle'));
    check();
  } catch (e) {
    showError(e.message);
  }
}
check();
