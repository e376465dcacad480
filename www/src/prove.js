// The prover page: gathers the model, input and options, runs the pipeline in a Web Worker
// (prove-worker.js), shows each stage, the outputs next to the float model's, and offers the
// proof and the verification bundle for download.
import { fingerprint, inspect, trustText } from 'zkonnx/verifier';
import { MEANING } from './visibility.js';
import { cacheKey, getKeys, putKeys } from './keys.js';

const $ = (id) => document.getElementById(id);
const STAGES = ['load', 'calibrate', 'compile', 'srs', 'setup', 'witness', 'prove', 'verify'];
const state = { onnx: null, input: null, onnxName: '', worker: null, running: false, timer: null };
// the long stages' estimates (zkonnx's, from the circuit's size, once compiled), rescaled by how
// the finished ones compared: this machine may be faster or slower than the reference
const run = { est: {}, estSum: 0, actSum: 0, current: null };

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
    return `<li${warn ? ' class="unsafe"' : ''}>${MEANING[k][v]}</li>`;
  }).join('');
}
for (const id of ['input_visibility', 'output_visibility', 'param_visibility']) $(id).addEventListener('change', explainVisibility);
explainVisibility();

// ---- stages: pending (with an estimate once known), running (a bar filled by elapsed time over
// the estimate, or an indeterminate one), done, cached, failed, cancelled
function resetStages() {
  run.est = {}; run.estSum = 0; run.actSum = 0; run.current = null;
  $('stages').innerHTML = STAGES.map((s) => `<div class="stage" id="st_${s}" data-state="pending"><span>${s}</span><div class="bar"><div></div></div><span class="t"></span></div>`).join('');
}
const fmt = (s) => (s < 10 ? `${s.toFixed(1)} s` : s < 120 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(0)} min`);
function predict(name) {
  const e = run.est[name];
  if (e === undefined) return undefined;
  return run.estSum > 0 ? e * Math.min(4, Math.max(0.25, run.actSum / run.estSum)) : e;
}
function showEstimates() {
  for (const name of Object.keys(run.est)) {
    const el = $(`st_${name}`);
    if (el?.dataset.state === 'pending') el.querySelector('.t').textContent = `≈ ${fmt(predict(name))}`;
  }
}
function setStage(name, st, seconds) {
  const el = $(`st_${name}`);
  if (!el) return;
  const bar = el.querySelector('.bar > div');
  const t = el.querySelector('.t');
  el.dataset.state = st;
  el.classList.remove('busy');
  if (st === 'running') {
    run.current = name;
    el.dataset.start = performance.now();
    const e = predict(name);
    if (e === undefined) { el.classList.add('busy'); t.textContent = '…'; } else { bar.style.width = '0'; t.textContent = `≈ ${fmt(e)}`; }
  }
  if (st === 'done') {
    bar.style.width = '100%'; el.classList.add('done'); t.textContent = `${seconds.toFixed(2)} s`;
    if (run.est[name] > 0.05) { run.estSum += run.est[name]; run.actSum += seconds; showEstimates(); }
  }
  if (st === 'cached') { bar.style.width = '100%'; el.classList.add('done'); t.textContent = 'cached'; }
  if (st === 'failed') { bar.style.width = '100%'; el.classList.add('failed'); t.textContent = 'failed'; }
  if (st === 'cancelled') { el.classList.add('cancelled'); t.textContent = 'cancelled'; }
}
// the running stage's bar and time, every 200 ms
function tick() {
  const el = run.current && $(`st_${run.current}`);
  if (!el || el.dataset.state !== 'running') return;
  const e = predict(run.current);
  if (e === undefined) return;
  const secs = (performance.now() - Number(el.dataset.start)) / 1000;
  el.querySelector('.bar > div').style.width = `${Math.min(95, (100 * secs) / e)}%`;
  el.querySelector('.t').textContent = `${secs.toFixed(1)} s of ≈ ${fmt(e)}`;
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
    state.timer = setInterval(() => { $('elapsed').textContent = `${((performance.now() - t0) / 1000).toFixed(1)} s`; tick(); }, 200);
  }
}

function worker() {
  state.worker ??= new Worker(new URL('./prove-worker.js', import.meta.url), { type: 'module' });
  return state.worker;
}

$('cancel').addEventListener('click', () => {
  // a stage runs to its end inside WebAssembly: stop the worker itself, start afresh next time
  state.worker?.terminate();
  state.worker = null;
  setRunning(false);
  if (run.current && $(`st_${run.current}`)?.dataset.state === 'running') setStage(run.current, 'cancelled');
  showError('Cancelled. Nothing was kept from this run; press Prove to start again.');
});

$('prove').addEventListener('click', async () => {
  $('error').classList.add('hidden');
  $('result').classList.add('hidden');
  if (!state.onnx || !state.input) return showError('Pick an ONNX model and an input.json first (or a bundled example).');
  let srs = null; // null: the development SRS, fetched by the worker at the model's k
  if ($('srs_choice').value === 'file') {
    const f = $('srs_file').files[0];
    if (!f) return showError('Pick the SRS file, or choose the development SRS.');
    srs = new Uint8Array(await f.arrayBuffer());
  }
  const runArgs = {
    input_visibility: cap($('input_visibility').value),
    output_visibility: cap($('output_visibility').value),
    param_visibility: cap($('param_visibility').value),
  };
  const target = $('target').value;
  const key = await cacheKey(state.onnx, { runArgs, target }, srs ?? new TextEncoder().encode('dev-unsafe'));
  const cached = $('keep_keys').checked ? await getKeys(key) : null;
  resetStages();
  setRunning(true);
  const w = worker();
  w.onmessage = async ({ data: m }) => {
    if (m.type === 'stage') setStage(m.name, m.state, m.seconds);
    if (m.type === 'estimate') { run.est = m.stages; showEstimates(); }
    if (m.type === 'info') $('threads').textContent = ` (${m.threads} thread${m.threads > 1 ? 's' : ''})`;
    if (m.type === 'error') {
      setRunning(false);
      if (m.stage) setStage(m.stage, 'failed');
      showError(m.message);
    }
    if (m.type === 'done') {
      setRunning(false);
      if ($('keep_keys').checked && !cached) await putKeys(key, { settings: m.settings, keys: m.keys, salt: m.salt });
      showResult(m);
    }
  };
  w.onerror = (e) => {
    setRunning(false);
    if (run.current) setStage(run.current, 'failed');
    showError(`The prover stopped: ${e.message || 'out of memory?'}`);
    state.worker = null;
  };
  const devSrsBase = new URL('./srs/', location.href).href;
  w.postMessage({ onnx: state.onnx, input: state.input, srs, devSrsBase, runArgs, target, cached });
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
