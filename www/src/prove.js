// The prover page: gathers the model, input and options, proves through zkonnx/worker (its
// ProverWorker runs the Prover in a module Worker: cancel stops it at once), shows each stage as
// the package reports it, the outputs next to the float model's, and offers the proof and the
// verification bundle for download.
import { ProverWorker } from 'zkonnx/worker';
import { fingerprint, inspect, trustText } from 'zkonnx/verifier';
import { cacheKey, getKeys, putKeys } from './keys.js';

const $ = (id) => document.getElementById(id);
// the package's stages (ProverWorker.create, prove, verify), in order
const STAGES = ['load', 'settings', 'calibrate', 'compile', 'srs', 'setup', 'witness', 'prove', 'verify'];
const state = {
  onnx: null, input: null, onnxName: '', running: false, timer: null,
  // the ProverWorker of the last model (its key: model, options, SRS): proving that model again
  // skips calibration and setup; the stage running (marked failed or cancelled)
  prover: null, proverKey: null, abort: null, current: null,
};

$('mode').textContent = self.crossOriginIsolated
  ? 'This page is cross-origin isolated: proving uses every core.'
  : 'This page is not cross-origin isolated: proving runs on one thread.';

// ---- inputs: dropped or picked files, or a bundled example
async function takeFiles(files) {
  // every file is taken (a bad input.json does not drop the model picked with it)
  const problems = [];
  for (const f of files) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (f.name.endsWith('.json')) {
      let input;
      try {
        input = JSON.parse(new TextDecoder().decode(bytes));
      } catch (e) {
        problems.push(`${f.name} is not valid JSON: ${e.message}`);
        continue;
      }
      if (!Array.isArray(input?.input_data)) problems.push(`${f.name}: no "input_data" array (expected ezkl's input.json format)`);
      else state.input = input;
    } else {
      state.onnx = bytes;
      state.onnxName = f.name;
    }
  }
  $('example').value = '';
  showPicked();
  if (problems.length) showError(problems.join('\n'));
  else $('error').classList.add('hidden');
}
function showPicked() {
  $('picked').textContent = `model: ${state.onnxName || '—'} · input: ${state.input ? 'loaded' : '—'}`;
}
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); takeFiles(e.dataTransfer.files); });
$('files').addEventListener('change', (e) => takeFiles(e.target.files));
$('example').addEventListener('change', async (e) => {
  const name = e.target.value;
  if (!name) return;
  state.onnx = new Uint8Array(await (await fetch(`./examples/${name}/network.onnx`)).arrayBuffer());
  state.input = await (await fetch(`./examples/${name}/input.json`)).json();
  state.onnxName = `${name}/network.onnx (example)`;
  showPicked();
});
$('srs_choice').addEventListener('change', (e) => $('srs_file').classList.toggle('hidden', e.target.value !== 'file'));

// one line per visibility choice: what the proof will establish
function explainVisibility() {
  $('vis_note').innerHTML = ['input', 'output', 'params'].map((k) => {
    const v = $(k === 'params' ? 'param_visibility' : `${k}_visibility`).value;
    const warn = v === 'private' && k !== 'output';
    return `<li${warn ? ' class="unsafe"' : ''}>${k} ${v}: ${trustText().visibility[k][v]}</li>`;
  }).join('');
}
for (const id of ['input_visibility', 'output_visibility', 'param_visibility']) $(id).addEventListener('change', explainVisibility);
explainVisibility();

// ---- stages, as zkonnx reports them (onProgress): pending (with its estimate once the circuit is
// compiled), running (a bar moved by the package's interpolated events, or a busy marker for a
// stage without an estimate), done, cached, failed, cancelled
function resetStages() {
  state.current = null;
  $('stages').innerHTML = STAGES.map((s) => `<div class="stage" id="st_${s}" data-state="pending"><span>${s}</span><div class="bar"><div></div></div><span class="t"></span></div>`).join('');
}
const fmt = (s) => (s < 10 ? `${s.toFixed(1)} s` : s < 120 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(0)} min`);
function setStage(name, st, info = {}) {
  const el = $(`st_${name}`);
  if (!el) return;
  const bar = el.querySelector('.bar > div');
  const t = el.querySelector('.t');
  el.dataset.state = st;
  el.classList.remove('busy');
  if (st === 'running') {
    state.current = name;
    if (info.estimate === undefined) { el.classList.add('busy'); t.textContent = '…'; } else { bar.style.width = '0'; t.textContent = `≈ ${fmt(info.estimate)}`; }
  }
  if (st === 'done') {
    if (state.current === name) state.current = null;
    bar.style.width = '100%'; el.classList.add('done'); t.textContent = `${info.seconds.toFixed(2)} s`;
  }
  if (st === 'cached') { bar.style.width = '100%'; el.classList.add('done'); t.textContent = 'cached'; }
  if (st === 'failed') { bar.style.width = '100%'; el.classList.add('failed'); t.textContent = 'failed'; }
  if (st === 'cancelled') { el.classList.add('cancelled'); t.textContent = 'cancelled'; }
}
function onProgress(stage, fraction, info = {}) {
  if (!state.running) return;
  // the stages still to come: their estimates, corrected by the package as stages finish
  for (const [name, e] of Object.entries(info.estimates ?? {})) {
    const el = $(`st_${name}`);
    if (el?.dataset.state === 'pending' && name !== stage) el.querySelector('.t').textContent = `≈ ${fmt(e)}`;
  }
  if (info.done) {
    setStage(stage, 'done', info);
  } else if (info.interpolated) {
    // an estimate (the package's clock), not a measurement: the stage says nothing until it ends
    const el = $(`st_${stage}`);
    if (el?.dataset.state !== 'running') return;
    el.querySelector('.bar > div').style.width = `${100 * info.stageFraction}%`;
    el.querySelector('.t').textContent = `${info.elapsed.toFixed(1)} s of ≈ ${fmt(info.estimate)}`;
  } else {
    setStage(stage, 'running', info);
  }
}

function showError(msg) {
  const box = $('error');
  box.textContent = msg;
  if (/unsupported op/i.test(msg)) {
    box.append('\n');
    const a = Object.assign(document.createElement('a'), { href: './ops.html', target: '_blank', textContent: 'The ops zkonnx supports' });
    a.id = 'ops_link';
    box.append(a, ' (and how to export a model without the others).');
  }
  box.classList.remove('hidden');
}

function setRunning(on) {
  state.running = on;
  $('prove').disabled = on;
  $('cancel').disabled = !on;
  clearInterval(state.timer);
  if (on) {
    const t0 = performance.now();
    state.timer = setInterval(() => { $('elapsed').textContent = `${((performance.now() - t0) / 1000).toFixed(1)} s`; }, 200);
  }
}

$('cancel').addEventListener('click', () => {
  // a stage runs to its end inside WebAssembly: the ProverWorker stops its Worker at once (the
  // next proof of this model starts a fresh one with the same keys)
  state.abort?.abort();
  setRunning(false);
  if (state.current && $(`st_${state.current}`)?.dataset.state === 'running') setStage(state.current, 'cancelled');
  showError('Cancelled. Nothing was kept from the stage that ran; press Prove to start again.');
});

// the development SRS is served per k (no downsizing: that recomputes the Lagrange basis, slow
// in WebAssembly): the package asks for it once calibration has fixed k
async function devSrs(k) {
  const r = await fetch(new URL(`./srs/dev-unsafe-k${k}.srs`, location.href));
  if (!r.ok) throw new Error(`this model needs 2^${k} rows: no development SRS for k = ${k} is served with the app`);
  return new Uint8Array(await r.arrayBuffer());
}

$('prove').addEventListener('click', async () => {
  $('error').classList.add('hidden');
  $('result').classList.add('hidden');
  if (!state.onnx || !state.input) return showError('Pick an ONNX model and an input.json first (or a bundled example).');
  let srsFile = null; // null: the development SRS, fetched at the model's k
  if ($('srs_choice').value === 'file') {
    const f = $('srs_file').files[0];
    if (!f) return showError('Pick the SRS file, or choose the development SRS.');
    srsFile = new Uint8Array(await f.arrayBuffer());
  }
  const runArgs = {
    input_visibility: cap($('input_visibility').value),
    output_visibility: cap($('output_visibility').value),
    param_visibility: cap($('param_visibility').value),
  };
  const target = $('target').value;
  const input = state.input;
  const keep = $('keep_keys').checked;
  const key = await cacheKey(state.onnx, { runArgs, target }, srsFile ?? new TextEncoder().encode('dev-unsafe'));
  const abort = new AbortController();
  state.abort = abort;
  resetStages();
  setRunning(true);
  const progress = { onProgress, signal: abort.signal };
  try {
    let prover = state.proverKey === key ? state.prover : null;
    let cached = null;
    if (prover) {
      // this model's Prover is still there: settings, circuit and keys as they were
      for (const s of ['load', 'settings', 'calibrate', 'compile', 'srs', 'setup']) setStage(s, 'cached');
    } else {
      state.prover?.terminate();
      state.prover = null;
      state.proverKey = null;
      cached = keep ? await getKeys(key) : null;
      if (cached) for (const s of ['settings', 'calibrate', 'setup']) setStage(s, 'cached');
      const srs = srsFile ?? devSrs;
      // with cached keys, the cached settings and salt: the params commitment stays the published one
      const opts = cached
        ? { srs, settings: cached.settings, keys: cached.keys, salt: cached.salt ?? undefined }
        : { srs, runArgs, calibration: input, target };
      prover = await ProverWorker.create(state.onnx, { ...opts, ...progress });
      state.prover = prover;
      state.proverKey = key;
    }
    $('threads').textContent = ` (${prover.threads} thread${prover.threads > 1 ? 's' : ''})`;
    const { proof, outputs } = await prover.prove(input, progress);
    const verified = await prover.verify(proof, progress);
    const floats = await prover.floatOutputs(input);
    const memoryBytes = await prover.memoryBytes();
    setRunning(false);
    const keys = { vk: prover.vk, pk: prover.pk, bundle: prover.bundle };
    if (keep && !cached && verified) await putKeys(key, { settings: prover.settings, keys, salt: prover.salt });
    showResult({
      proof, keys, verified, floats, outputs, memoryBytes,
      commitment: prover.commitment,
      // the model ID to publish: the circuit, its keys and SRS, and the params commitment
      modelId: prover.modelId,
    });
  } catch (e) {
    if (abort.signal.aborted) return; // the Cancel button said so
    setRunning(false);
    if (state.current) setStage(state.current, 'failed');
    showError(e instanceof Error ? e.message : String(e));
  }
});

const cap = (s) => s[0].toUpperCase() + s.slice(1);

function showResult(m) {
  $('result').classList.remove('hidden');
  $('verdict').textContent = m.verified
    ? `Proof made and verified in this tab (linear memory ${(m.memoryBytes / 2 ** 20).toFixed(0)} MB).`
    : 'The proof did not verify: this is a bug, please report it.';
  const rows = [];
  m.outputs.forEach((out, i) => out.forEach((v, j) => {
    const f = m.floats[i]?.[j];
    rows.push(`<tr><td>output ${i}[${j}]</td><td>${v.toPrecision(6)}</td><td>${f === undefined ? '' : f.toPrecision(6)}</td><td>${f === undefined ? '' : Math.abs(v - f).toExponential(1)}</td></tr>`);
  }));
  $('outputs').innerHTML = '<tr><th></th><th>proven</th><th>float model</th><th>|difference|</th></tr>' + rows.join('');
  $('model_id').textContent = m.modelId;
  $('publish').textContent = trustText().publish;
  $('fingerprint').textContent = fingerprint(m.keys.bundle);
  $('commitment_line').classList.toggle('hidden', !m.commitment);
  $('commitment').textContent = m.commitment ?? '';
  $('prove_srs').innerHTML = inspect(m.proof, m.keys.bundle).devSrs
    ? '<span class="unsafe">UNSAFE development SRS: anyone can forge proofs for these keys. Use a ceremony SRS for real proofs.</span>'
    : '';
  const link = (id, bytes, type) => { $(id).href = URL.createObjectURL(new Blob([bytes], { type })); return $(id).href; };
  const proofUrl = link('dl_proof', JSON.stringify(m.proof), 'application/json');
  const bundleUrl = link('dl_bundle', m.keys.bundle, 'application/octet-stream');
  // the verify page with this proof, its bundle and the model ID to pin (blob URLs live as long
  // as this page: the link opens a new tab)
  const enc = encodeURIComponent;
  $('verify_link').href = `./verify.html?proof=${enc(proofUrl)}&bundle=${enc(bundleUrl)}&model=${m.modelId}`;
  window.__zkonnxResult = { proof: m.proof, bundle: Array.from(m.keys.bundle), outputs: m.outputs, floats: m.floats, commitment: m.commitment, modelId: m.modelId };
}

resetStages();
showPicked();
