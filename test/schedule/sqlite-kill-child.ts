// Child process for sqlite-worker-store.test.ts: saves runs through the off-thread store as fast as it can and
// prints each run id once its save resolved ("reported as recorded"); the test SIGKILLs it mid-stream.
import { SqliteWorkerStore } from '../../src/store/sqlite-worker-store.js';
import { sampleRun } from '../store/sample-run.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: sqlite-kill-child.ts STATE_DB');
const store = await SqliteWorkerStore.open(path);
for (;;) {
  const run = sampleRun();
  // A marker, then the run (which clears it), as the daemon writes them; several in flight at once.
  void store.markInFlight({ runId: run.runId, journey: 'golden-path-api', environment: 'e', startedAt: run.startedAt });
  await store.saveRun(run);
  process.stdout.write(`recorded ${run.runId}\n`);
}
