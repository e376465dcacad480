// The web app's list of supported ops (www/public/ops.html, linked from an unsupported-op
// error): the README's "## Ops" section, its one source, rendered as plain HTML.
// Usage: node scripts/ops_page.mjs README.md OUT.html
import fs from 'node:fs';

const [readme, out] = process.argv.slice(2);
const md = fs.readFileSync(readme, 'utf8');
const start = md.indexOf('\n## Ops\n');
if (start < 0) throw new Error(`${readme}: no "## Ops" section`);
const end = md.indexOf('\n## ', start + 8);
const section = md.slice(start + 8, end < 0 ? undefined : end).trim();
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const inline = (s) => esc(s)
  .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
  .replace(/`(.+?)`/g, '<code>$1</code>')
  .replace(/\[(.+?)\]\((.+?)\)/g, '$1'); // links point into the repository: text only
// bullets ("- " at the start, continuation lines indented), then paragraphs
const items = [];
const paras = [];
for (const line of section.split('\n')) {
  if (line.startsWith('- ')) items.push(line.slice(2));
  else if (/^\s+\S/.test(line) && items.length) items[items.length - 1] += ' ' + line.trim();
  else if (line.trim()) paras.push(line.trim());
}
if (items.length < 5) throw new Error(`${readme}: the Ops section has ${items.length} bullets`);
fs.writeFileSync(out, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zkonnx · supported ONNX ops</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:920px;margin:0 auto;padding:1.5rem;color:#1d2430}li{margin:.5rem 0}code{font-size:.9em}</style>
</head><body>
<h1>ONNX ops zkonnx proves</h1>
<p>A model with any other op is refused with the op and node named. Export options that avoid
an unsupported op (e.g. skl2onnx's <code>zipmap=False</code>) are given with the ops below.</p>
<ul>
${items.map((i) => `<li>${inline(i)}</li>`).join('\n')}
</ul>
<p>${inline(paras.join(' '))}</p>
<p><a href="./index.html">Back to the prover</a></p>
</body></html>
`);
console.log(`${out}: ${items.length} groups of ops`);
