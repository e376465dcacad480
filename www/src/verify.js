// The verify page: a proof.json and a verifier.bundle, dropped, picked or linked
// (?proof=URL&bundle=URL), checked with zkonnx/verifier in this page.
import { verify, inspect } from 'zkonnx/verifier';
import { MEANING } from './visibility.js';

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
    // the keys the prover says it used (a hint for the message only: nothing shown is read from it)
    let claimed = null;
    try { claimed = JSON.parse(new TextDecoder().decode(state.proof)).keys_fingerprint ?? null; } catch { /* verify parsed it */ }
    const otherKeys = !ok && claimed && claimed !== info.fingerprint;
    $('verdict').textContent = ok
      ? '✔ VALID proof'
      : otherKeys
        ? `✘ INVALID with this bundle: the proof was made with different keys (bundle ${claimed.slice(0, 16)}…, this one ${info.fingerprint.slice(0, 16)}…). `
          + 'The same model set up again, or with another SRS, has other keys: check the proof with the bundle published with it.'
        : '✘ INVALID proof: it was not made by this model with these outputs';
    const rows = [];
    for (const [kind, ts] of [['input', info.inputs], ['output', info.outputs]]) {
      ts.forEach((vals, i) => vals.forEach((v, j) => rows.push(`<tr><td>public ${kind} ${i}[${j}]</td><td>${v.toPrecision(6)}</td></tr>`)));
    }
    $('outputs').innerHTML = rows.length ? '<tr><th></th><th>value</th></tr>' + rows.join('') : '<tr><td>no public values</td></tr>';
    $('fingerprint').textContent = info.fingerprint;
    // the params commitment, checked against the one expected (link or typed)
    const want = $('expect_commitment').value.trim().toLowerCase();
    $('commitment').textContent = info.paramCommitment ?? '(none: the params are not hashed)';
    let match = null;
    if (info.paramCommitment && want) {
      match = want.replace(/^(0x)?/, '0x') === info.paramCommitment;
      $('commitment_check').innerHTML = match
        ? '<b class="ok">✔ matches the expected commitment: the proof was made with the committed model</b>'
        : '<b class="unsafe">✘ does NOT match the expected commitment: another model made this proof</b>';
    } else {
      $('commitment_check').textContent = info.paramCommitment
        ? '(compare it with the commitment the model\'s owner published, or give it above)'
        : '';
    }
    if (ok && match === false) {
      $('result').className = 'bad';
      $('verdict').textContent = '✘ REJECTED: a valid proof, but of another model than the committed one';
    }
    // what this proof establishes, per visibility, decoded from its instances
    const vis = {
      params: info.paramCommitment ? 'hashed' : 'private-or-fixed',
      input: info.inputs.length ? 'public' : info.inputCommitments.length ? 'hashed' : 'private',
      output: info.outputs.length ? 'public' : info.outputCommitments.length ? 'hashed' : 'private',
    };
    $('meaning').innerHTML = ['params', 'input', 'output'].map((k) => {
      const text = k === 'params' && vis.params === 'private-or-fixed'
        ? 'params not committed in the proof: unless the keys hold them (fixed), the proof does NOT bind the model'
        : MEANING[k][vis[k]];
      return `<li>${text}</li>`;
    }).join('');
    $('srs').innerHTML = info.devSrs
      ? `<span class="unsafe">${info.srs}: do not trust these keys.</span>`
      : `SRS: ${info.srs}.`;
    $('timing').textContent = `verified in ${ms.toFixed(1)} ms`;
    window.__zkonnxVerify = { ok, info, match, otherKeys };
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
if (q.get('commitment')) $('expect_commitment').value = q.get('commitment');
$('expect_commitment').addEventListener('input', () => check());
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
