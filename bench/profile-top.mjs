// Summarises a V8 .cpuprofile: self time by function (top N) and by package/area, as bench/README.md quotes it.
//   node bench/profile-top.mjs FILE.cpuprofile [N=25]
import { readFileSync } from 'node:fs';

const [file, nArg = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fns = new Map();
const areas = new Map();
const areaOf = (url) => {
  if (url === '') return '(native/GC/idle)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node core';
  if (/\/dist\//.test(url)) return 'prober (dist)';
  return url.replace(/^.*\//, '');
};
for (const [id, us] of self) {
  const n = byId.get(id);
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules\/)?/, '')}:${f.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const area = areaOf(f.url);
  areas.set(area, (areas.get(area) ?? 0) + us);
}
const pct = (us) => `${((us / total) * 100).toFixed(1)} %`;
console.log(`total sampled: ${(total / 1e6).toFixed(1)} s`);
console.log('\nby area:');
for (const [k, v] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(v).padStart(7)}  ${k}`);
console.log('\nby function (self):');
for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(nArg)))
  console.log(`  ${pct(v).padStart(7)}  ${k}`);
