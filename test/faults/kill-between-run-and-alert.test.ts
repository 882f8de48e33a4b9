import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { waitFor } from '../schedule/daemon-process.js';
import { JOURNEY_ALERT, StoreFaultRig } from './store-fault-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'prober-kill9-'));
const store = join(dir, 'state.db');
const preload = join(ROOT, 'test/faults/kill-at-alert-state.mjs');
let rig: StoreFaultRig;

beforeAll(async () => {
  rig = await new StoreFaultRig().start();
});
afterAll(async () => {
  await rig?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The journey's stored history, oldest first, and its alert state's fail streak. */
function history(): { statuses: string[]; failStreak: number } {
  const db = new Database(store, { readonly: true, fileMustExist: true });
  try {
    const statuses = db
      .prepare("SELECT status FROM journey_runs WHERE journey = 'golden-path-api' ORDER BY started_ms")
      .pluck()
      .all() as string[];
    const raw = db.prepare('SELECT state FROM alert_state WHERE key = ?').pluck().get(JOURNEY_ALERT) as string;
    return { statuses, failStreak: (JSON.parse(raw) as { failStreak: number }).failStreak };
  } finally {
    db.close();
  }
}

/** Failed runs at the end of the history; `error` runs (aborted, could not judge) move no streak, as in the policy. */
function trailingFails(statuses: readonly string[]): number {
  let n = 0;
  for (const s of [...statuses].reverse()) {
    if (s === 'error') continue;
    if (s !== 'fail') break;
    n++;
  }
  return n;
}

describe('kill -9 between the run record and the alert-state update', { timeout: 150_000 }, () => {
  it('there is no between: the run and its streak step commit together, so the streak matches the history after a restart', async () => {
    rig.sandbox.faults.set('chat.reply=empty');
    // The 2nd run's first alert-state row (1st run: journey + prober rows) is where the kill lands.
    const killed = await rig.startDaemon(store, {
      NODE_OPTIONS: `--import=${preload}`,
      PROBER_TEST_KILL_AT_ALERT_STATE: '3',
    });
    const exit = await killed.exited;
    expect(exit.signal, killed.stderr().slice(-1500)).toBe('SIGKILL');
    // The run rows were written (inside the transaction) when the process died: the kill fell between the two.
    expect(killed.stderr()).toMatch(/kill-at-alert-state: SIGKILL with 2 runs visible inside the open transaction/);
    const before = history();
    expect(before.statuses).toEqual(['fail']); // the killed run's rows went with its alert-state step
    expect(before.failStreak).toBe(1);

    await rig.startDaemon(store);
    await rig.waitForNotification(JOURNEY_ALERT, 'firing', 30_000);
    const runs = await rig.runs();
    await waitFor('two more runs', async () => ((await rig.runs()) >= runs + 2 ? true : undefined), 20_000);
    expect((await rig.daemon!.stop('SIGTERM')).code).toBe(0);

    const after = history();
    // The killed run is back as `aborted` (its in-flight marker), which counts for nothing.
    expect(after.statuses.slice(0, 2)).toEqual(['fail', 'error']);
    expect(after.failStreak, `history ${after.statuses.join(',')}`).toBe(trailingFails(after.statuses));
    expect(rig.notifications(JOURNEY_ALERT, 'firing')).toHaveLength(1);
  });
});
