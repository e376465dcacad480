# Import cycles between zkonnx's modules: the dependency graph of src/ at the granularity of
# top-level modules (and ops/'s files), from the `crate::` and `super::` paths each file names
# outside comments and its test module; prints every cycle and exits 1 if there is one.
# Usage: python3 scripts/cycles.py [src]
import re, os, sys, itertools
root = sys.argv[1] if len(sys.argv) > 1 else 'src'
def modname(path):
    rel = os.path.relpath(path, root)[:-3]
    parts = rel.split('/')
    if parts[-1] == 'mod': parts = parts[:-1]
    return '::'.join(parts)
mods = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs'):
            p = os.path.join(d, f); mods[modname(p)] = open(p).read()
names = set(mods)
def resolve(path):
    parts = path.split('::')
    for n in range(len(parts), 0, -1):
        cand = '::'.join(parts[:n])
        if cand in names: return cand
    return None
edges = {m: set() for m in mods}
for m, src in mods.items():
    src = re.sub(r'#\[cfg\(test\)\]\s*mod tests\s*\{.*', '', src, flags=re.S)
    src = re.sub(r'//[^\n]*', '', src)
    for path in re.findall(r'crate::([a-z_][a-z0-9_]*(?:::[a-z_][a-z0-9_]*)*)', src):
        t = resolve(path)
        if t and t != m and not m.startswith(t + '::') and not t.startswith(m + '::'):
            edges[m].add(t)
    for path in re.findall(r'super::([a-z_][a-z0-9_]*)', src):
        parent = '::'.join(m.split('::')[:-1])
        t = resolve((parent + '::' if parent else '') + path)
        if t and t != m and not t.startswith(m + '::'): edges[m].add(t)
# collapse to top-level granularity except ops (per file)
def top(m):
    p = m.split('::')
    return '::'.join(p[:2]) if p[0] == 'ops' else p[0]
g = {}
for a, bs in edges.items():
    for b in bs:
        ta, tb = top(a), top(b)
        if ta != tb: g.setdefault(ta, set()).add(tb)
# strongly connected components (Tarjan)
idx, low, st, on, out, c = {}, {}, [], set(), [], [0]
def sc(v):
    idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in g.get(v, ()):
        if w not in idx: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: out.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in list(g): 
    if v not in idx: sc(v)
for comp in out:
    print('cycle:', ' <-> '.join(comp))
    for a in comp:
        for b in sorted(g.get(a, ())):
            if b in comp: print('   ', a, '->', b)
print(f'import cycles: {len(out)}')
sys.exit(1 if out else 0)
