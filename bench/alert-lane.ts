// The alert lane of a daemon alone on its SQLite store: N runs recorded through AlertRecorder over the store's
// thread, arriving B per turn of the event loop (as runs finish in a busy daemon); wall time until all are recorded.
// BUSY ms of synchronous work per turn stands for the journeys' own callbacks in a daemon's loop.
//   node --import tsx bench/alert-lane.ts [N=2000] [B=10] [BUSY=0]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { AlertRecorder } from '../src/alert/alert-recorder.js';
import { AlertsConfigSchema } from '../src/config/alerts-config.js';
import { SqliteWorkerStore } from '../src/store/sqlite-worker-store.js';
import { runResult } from '../test/alert/fake-results.js';
const [N = 2000, B = 10, BUSY = 0] = process.argv.slice(2).map(Number);
let spun = 0;
const spin = (ms: number) => {
  spun += ms;
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const store = await SqliteWorkerStore.open(join(mkdtempSync(join(tmpdir(), 'lane-')), 'state.db'));
const pipeline = new AlertRecorder({
  store,
  alerts: AlertsConfigSchema.parse({}),
  channels: [],
  log: pino({ level: 'silent' }),
});
const runs = Array.from({ length: N }, (_, i) =>
  runResult(i % 7 === 0 ? 'F' : 'S', new Date(), { journey: `api-${i % 300}` }),
);
const t0 = performance.now();
const c0 = process.cpuUsage();
const all: Promise<unknown>[] = [];
for (let i = 0; i < N; i += B) {
  for (const r of runs.slice(i, i + B)) all.push(pipeline.record(r));
  spin(BUSY);
  await new Promise(setImmediate);
}
let done = false;
void Promise.all(all).then(() => {
  done = true;
});
while (!done) {
  spin(BUSY);
  await new Promise(setImmediate);
}
const ms = performance.now() - t0;
const c = process.cpuUsage(c0);
console.log(
  `${N} runs in bursts of ${B}, ${BUSY} ms busy per turn: ${ms.toFixed(0)} ms wall (${((N / ms) * 1000).toFixed(0)} runs/s), CPU besides the busy turns ${((c.user + c.system) / 1000 - spun) / N >= 0 ? (((c.user + c.system) / 1000 - spun) / N).toFixed(3) : '~0'} ms/run (main and store threads)`,
);
await store.close();
