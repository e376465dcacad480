// The verify page: a proof.json and a verifier.bundle, dropped, picked or linked
// (?proof=URL&bundle=URL), checked with zkonnx/verifier in this page.
import { verify, inspect } from 'zkonnx/verifier';

const $ = (id) => document.getElementById(id);
const state = { proof: null, bundle: null };

function showError(msg) {
  $('error').textContent = msg;
  $('error').classList.remove('hidden');
  $('result').classList.add('hidden');
}

function check() {
  $('picked').textContent = `proof: ${state.proof ? 'loaded' : '—'} · bundle: ${state.bundle ? 'loaded' : '—'}`;
  if (!state.proof || !state.bundle) return;
  $('error').classList.add('hidden');
  try {
    const t = performance.now();
    const ok = verify(state.proof, state.bundle);
    const ms = performance.now() - t;
    const info = inspect(state.proof, state.bundle);
    $('result').classList.remove('hidden');
    $('result').className = ok ? 'ok' : 'bad';
    $('verdict').textContent = ok ? '✔ VALID proof' : '✘ INVALID proof: it was not made by this model with these outputs';
    const rows = [];
    for (const [kind, ts] of [['input', info.inputs], ['output', info.outputs]]) {
      ts.forEach((vals, i) => vals.forEach((v, j) => rows.push(`<tr><td>public ${kind} ${i}[${j}]</td><td>${v.toPrecision(6)}</td></tr>`)));
    }
    $('outputs').innerHTML = rows.length ? '<tr><th></th><th>value</th></tr>' + rows.join('') : '<tr><td>no public values</td></tr>';
    $('fingerprint').textContent = info.fingerprint;
    $('srs').innerHTML = info.devSrsSeed !== null
      ? `<span class="unsafe">UNSAFE development SRS (seed ${info.devSrsSeed}): anyone can forge proofs for these keys.</span>`
      : 'SRS: not a zkonnx development SRS (a ceremony\'s or another): the fingerprint pins it.';
    $('timing').textContent = `verified in ${ms.toFixed(1)} ms`;
    window.__zkonnxVerify = { ok, info };
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
if (q.get('proof') && q.get('bundle')) {
  try {
    state.proof = new Uint8Array(await (await fetch(q.get('proof'))).arrayBuffer());
    state.bundle = new Uint8Array(await (await fetch(q.get('bundle'))).arrayBuffer());
    check();
  } catch (e) {
    showError(`Could not fetch the linked files: ${e.message}`);
  }
}
check();
