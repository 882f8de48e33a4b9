import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../alert/receiver.js';
import { waitFor } from '../schedule/daemon-process.js';
import { JOURNEY_ALERT, PROBER_ALERT, StoreFaultRig, storedRunIds } from './store-fault-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'prober-deleted-'));
const stateDir = join(dir, 'state');
const store = join(stateDir, 'state.db');
let rig: StoreFaultRig;

beforeAll(async () => {
  rig = await new StoreFaultRig().start();
});
afterAll(async () => {
  await rig?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the store's directory deleted while the daemon runs", { timeout: 150_000 }, () => {
  it('is noticed within one interval (503, prober alert), the store is rebuilt from the open handle, and a restart does not fire the open incident again', async () => {
    rig.sandbox.faults.set('chat.reply=empty');
    await rig.startDaemon(store);
    const t0 = Date.now();
    await rig.waitForNotification(JOURNEY_ALERT, 'firing', 30_000);
    const runsBefore = await rig.runs();

    rmSync(stateDir, { recursive: true, force: true });
    const runsAtDeletion = await rig.runs();
    // Polled fast: the daemon rebuilds the store at its first retry, so the 503 lasts about half a second.
    const failing = await waitFor(
      '/healthz 503',
      async () => {
        const h = await rig.healthz();
        return h.status === 503 ? { ...h, runs: await rig.runs() } : undefined;
      },
      10_000,
      20,
    );
    // Within one interval: the first run that finishes after the deletion notices it (its commit checks the file).
    expect(failing.runs - runsAtDeletion, 'runs finished before the deletion was noticed').toBeLessThanOrEqual(2);
    expect(failing.body.store?.error).toContain(`${store} is gone`);
    const prober = await rig.waitForNotification(PROBER_ALERT, 'firing', 20_000);
    expect(json(prober).verdict).toContain('state store is failing');
    await waitFor(
      '/healthz 200 once rebuilt',
      async () => ((await rig.healthz()).status === 200 ? true : undefined),
      20_000,
      100,
    );
    expect(existsSync(store)).toBe(true);
    await rig.waitForNotification(PROBER_ALERT, 'resolved', 20_000);
    await waitFor('two more runs', async () => ((await rig.runs()) >= runsBefore + 2 ? true : undefined), 15_000);

    expect((await rig.daemon!.stop('SIGTERM')).code).toBe(0);
    const firstLife = rig.loggedRunIds();
    const stored = storedRunIds(store);
    // Runs written to the deleted file before it was noticed were copied from the still-open handle.
    expect(
      firstLife.filter((id) => stored.get(id) !== 1),
      'runs of the first life not stored exactly once',
    ).toEqual([]);

    // Restart on the rebuilt store with the fault still on: the open incident continues, no second firing.
    const restartedAt = Date.now();
    await rig.startDaemon(store);
    const again = await rig.runs();
    await waitFor(
      'three runs after the restart',
      async () => ((await rig.runs()) >= again + 3 ? true : undefined),
      20_000,
    );
    expect(rig.notifications(JOURNEY_ALERT, 'firing'), rig.timeline(t0)).toHaveLength(1);
    expect(rig.notifications(PROBER_ALERT, 'firing'), rig.timeline(t0)).toHaveLength(1);
    expect(
      rig.receiver.requests.filter(
        (r) => r.at > restartedAt && json(r).state === 'firing' && json(r).reminder !== true,
      ),
    ).toEqual([]);
  });
});
