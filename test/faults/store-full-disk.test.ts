import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../alert/receiver.js';
import { waitFor } from '../schedule/daemon-process.js';
import { fillDisk, JOURNEY_ALERT, PROBER_ALERT, StoreFaultRig, storedRunIds } from './store-fault-harness.js';

const mnt = mkdtempSync(join(tmpdir(), 'prober-tmpfs-'));
const store = join(mnt, 'state.db');
const filler = join(mnt, 'filler');
let rig: StoreFaultRig;

beforeAll(async () => {
  // A real, small filesystem under the store; the test runs as root (CI does).
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
  rig = await new StoreFaultRig().start();
});
afterAll(async () => {
  await rig?.close();
  try {
    execFileSync('umount', [mnt]);
  } catch {
    execFileSync('umount', ['-l', mnt]);
  }
  rmSync(mnt, { recursive: true, force: true });
});

describe('the store on a full disk: probing and alerting go on, the prober says so, nothing is lost', {
  timeout: 150_000,
}, () => {
  it('keeps its schedule, alerts during the outage, turns /healthz 503, and writes the held runs once each when space returns', async () => {
    await rig.startDaemon(store);
    await waitFor('two stored runs', async () => ((await rig.runs()) >= 2 ? true : undefined), 30_000);

    expect(fillDisk(filler)).toBeGreaterThan(0);
    rig.sandbox.faults.set('chat.reply=empty');

    const failing = await waitFor(
      '/healthz 503',
      async () => {
        const h = await rig.healthz();
        return h.status === 503 ? h : undefined;
      },
      30_000,
      100,
    );
    expect(failing.body.status).toBe('store-failing');
    expect(failing.body.store?.store).toBe(store);
    expect(failing.body.store?.error).toMatch(/SQLITE_FULL|full/i);

    // The sandbox fault still fires its alert, from memory, while nothing can be written.
    const firing = await rig.waitForNotification(JOURNEY_ALERT, 'firing', 30_000);
    expect(json(firing).verdict).toMatch(/^Users cannot/);
    const prober = await rig.waitForNotification(PROBER_ALERT, 'firing', 30_000);
    expect(json(prober).verdict).toContain(`state store is failing (${store}`);
    expect((await rig.healthz()).status).toBe(503);

    // Journeys keep running on schedule: a run every 2 s, no tick missed.
    const during = await rig.runs();
    await waitFor(
      'three more runs during the outage',
      async () => ((await rig.runs()) >= during + 3 ? true : undefined),
      15_000,
    );
    const m = await rig.metrics();
    expect(m.samples('prober_ticks_skipped_total').find((s) => s.labels.reason === 'missed')?.value).toBe(0);
    expect(m.samples('prober_store_errors_total').find((s) => s.labels.operation === 'save')?.value).toBeGreaterThan(0);
    expect(m.samples('prober_store_up')[0]?.value).toBe(0);
    expect((await rig.healthz()).body.store?.held.runs).toBeGreaterThanOrEqual(3);

    rmSync(filler);
    await waitFor(
      '/healthz 200 again',
      async () => ((await rig.healthz()).status === 200 ? true : undefined),
      30_000,
      100,
    );
    await rig.waitForNotification(PROBER_ALERT, 'resolved', 30_000);

    const stop = await rig.daemon!.stop('SIGTERM');
    expect(stop.code).toBe(0);
    const logged = rig.loggedRunIds();
    const stored = storedRunIds(store);
    expect(logged.length).toBeGreaterThanOrEqual(6);
    expect(
      logged.filter((id) => stored.get(id) !== 1),
      'runs logged but not stored exactly once',
    ).toEqual([]);
    // One firing per alert for the whole outage: held notifications were delivered once, not again after recovery.
    expect(rig.notifications(JOURNEY_ALERT, 'firing'), rig.timeline(0)).toHaveLength(1);
    expect(rig.notifications(PROBER_ALERT, 'firing'), rig.timeline(0)).toHaveLength(1);
  });
});
