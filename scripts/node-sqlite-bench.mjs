// Can node:sqlite (built in, no native build, no install script) replace better-sqlite3 for the state store?
// Run with the Node under test: `node scripts/node-sqlite-bench.mjs [rows=3000] [rounds=5]` (better-sqlite3 must be
// built for that Node). Both drivers do what the store does per scheduled run, in the same process, interleaved:
// one autocommitted INSERT of a ~2 kB run document, an in-flight marker upsert and delete, and a history read
// (the newest 20 runs of a journey). Prints the median per-operation cost of each and the ratio.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const rows = Number(process.argv[2] ?? 3000);
const rounds = Number(process.argv[3] ?? 5);
const require = createRequire(import.meta.url);
const { DatabaseSync } = await import('node:sqlite');
const Better = require('better-sqlite3');
const doc = JSON.stringify({
  schema: 'prober.run/v1',
  steps: Array.from({ length: 6 }, (_, i) => ({ name: `s${i}`, evidence: 'x'.repeat(300) })),
});

const SCHEMA = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = NORMAL',
  'CREATE TABLE runs (id TEXT PRIMARY KEY, journey TEXT, started_at TEXT, doc TEXT)',
  'CREATE INDEX runs_journey ON runs (journey, started_at)',
  'CREATE TABLE in_flight (id TEXT PRIMARY KEY, step TEXT)',
];

function round(open) {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-bench-'));
  const db = open(join(dir, 'state.db'));
  for (const s of SCHEMA) db.exec(s);
  const insert = db.prepare('INSERT INTO runs VALUES (?, ?, ?, ?)');
  const mark = db.prepare('INSERT INTO in_flight VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET step = excluded.step');
  const unmark = db.prepare('DELETE FROM in_flight WHERE id = ?');
  const history = db.prepare('SELECT doc FROM runs WHERE journey = ? ORDER BY started_at DESC LIMIT 20');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rows; i++) {
    const id = `run-${i}`;
    mark.run(id, 'auth.token');
    insert.run(id, `j${i % 10}`, new Date(1e12 + i * 1000).toISOString(), doc);
    unmark.run(id);
  }
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < rows; i++) history.all(`j${i % 10}`);
  const t2 = process.hrtime.bigint();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { writeUs: Number(t1 - t0) / 1e3 / rows, readUs: Number(t2 - t1) / 1e3 / rows };
}

const drivers = { 'node:sqlite': (f) => new DatabaseSync(f), 'better-sqlite3': (f) => new Better(f) };
const results = { 'node:sqlite': [], 'better-sqlite3': [] };
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? Object.keys(drivers) : Object.keys(drivers).reverse();
  for (const name of order) results[name].push(round(drivers[name]));
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = Object.fromEntries(
  Object.entries(results).map(([k, v]) => [
    k,
    { writeUs: median(v.map((x) => x.writeUs)), readUs: median(v.map((x) => x.readUs)) },
  ]),
);
const n = summary['node:sqlite'];
const b = summary['better-sqlite3'];
console.log(
  JSON.stringify({
    node: process.versions.node,
    sqlite: process.versions.sqlite,
    rows,
    rounds,
    ...summary,
    ratio: { write: +(n.writeUs / b.writeUs).toFixed(2), read: +(n.readUs / b.readUs).toFixed(2) },
  }),
);
