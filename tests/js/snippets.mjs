// The JavaScript snippets of a README, for the tests that run them (readme_snippets.mjs) and
// type-check them (types_check.mjs). Every ```js / ```html block must follow a marker line
//   <!-- snippet: node -->        Node, an ES module (run as a .mjs file)
//   <!-- snippet: node-cjs -->    Node, CommonJS (a .cjs file)
//   <!-- snippet: page -->        a page (index.html) in a project with the package installed
//   <!-- snippet: page = FILE --> a page whose text is exactly FILE's (relative to the repository)
// (an HTML comment: invisible on GitHub and npm). A line `console.log(...); // → TEXT` declares
// that running the snippet prints the line TEXT.
import fs from 'node:fs';

const FENCE = /^```(js|javascript|mjs|cjs|html|ts|typescript)\s*$/;
const MARKER = /^<!--\s*snippet:\s*(node|node-cjs|page)\s*(?:=\s*(\S+)\s*)?-->\s*$/;

export function snippets(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE.exec(lines[i]);
    if (!m) {
      if (/^```/.test(lines[i])) i = closing(lines, i, file); // another language: skip its body
      continue;
    }
    let j = i - 1;
    while (j >= 0 && lines[j].trim() === '') j--;
    const marker = j >= 0 ? MARKER.exec(lines[j].trim()) : null;
    if (!marker) {
      throw new Error(`${file}:${i + 1}: a \`\`\`${m[1]} block without a \`<!-- snippet: node | node-cjs | page -->\` line before it`);
    }
    const end = closing(lines, i, file);
    const code = lines.slice(i + 1, end).join('\n') + '\n';
    const kind = marker[1];
    if ((kind === 'page') !== (m[1] === 'html')) {
      throw new Error(`${file}:${i + 1}: a \`${kind}\` snippet must be a ${kind === 'page' ? 'html' : 'js'} block`);
    }
    const expects = [...code.matchAll(/console\.log\(.*\/\/ → (.*)$/gm)].map((e) => e[1].trim());
    out.push({ file, line: i + 1, kind, same: marker[2] ?? null, code, expects });
    i = end;
  }
  return out;
}

function closing(lines, i, file) {
  for (let k = i + 1; k < lines.length; k++) if (/^```\s*$/.test(lines[k])) return k;
  throw new Error(`${file}:${i + 1}: unclosed code block`);
}

/** The module script of a page snippet (for the type check). */
export function moduleScript(html) {
  const m = /<script type="module">([\s\S]*?)<\/script>/.exec(html);
  return m ? m[1] : null;
}
