import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../alert/receiver.js';
import { ROOT } from '../support/cli.js';
import { waitFor } from '../schedule/daemon-process.js';
import { eventLoopP99, JOURNEY_ALERT, PROBER_ALERT, StoreFaultRig, storedRunIds } from './store-fault-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'prober-locked-'));
const store = join(dir, 'state.db');
const LOCK_MS = 20_000;
let rig: StoreFaultRig;

beforeAll(async () => {
  rig = await new StoreFaultRig().start();
});
afterAll(async () => {
  await rig?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Another process takes the database's write lock (BEGIN EXCLUSIVE) and holds it; prints "locked" once it has it. */
function holdLock(file: string, ms: number) {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code} before locking`)));
  });
  return { child, locked, exited: once(child, 'exit') };
}

describe('the store locked by another process for 20 s', { timeout: 150_000 }, () => {
  it('misses no tick, keeps the event loop free (p99 < 50 ms), alerts as usual, and writes the held runs afterwards', async () => {
    await rig.startDaemon(store);
    await waitFor('two runs', async () => ((await rig.runs()) >= 2 ? true : undefined), 30_000);
    // The same measurement without the lock first: on a shared two-core CI box the loop lags for reasons of its own.
    const baseline = await sampleLoop(rig, 8_000);

    const lock = holdLock(store, LOCK_MS);
    await lock.locked;
    const lockedAt = Date.now();
    const runsAtLock = await rig.runs();
    rig.sandbox.faults.set('chat.reply=empty');

    await eventLoopP99(rig); // prom-client resets its histograms at every scrape: measure the lock from here
    const p99s: number[] = [];
    const maxes: number[] = [];
    let saw503 = false;
    // Sample for the whole lock: health every 250 ms, the event-loop p99 every 2 s.
    while (Date.now() - lockedAt < LOCK_MS - 500) {
      const h = await rig.healthz();
      if (h.status === 503) {
        saw503 = true;
        expect(h.body.store?.error).toMatch(/SQLITE_BUSY|locked/i);
      }
      if (p99s.length < Math.floor((Date.now() - lockedAt) / 2_000)) {
        const lag = await loopLag(rig);
        p99s.push(lag.p99);
        maxes.push(lag.max);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const runsDuringLock = (await rig.runs()) - runsAtLock;
    expect(saw503).toBe(true);
    expect(await rig.waitForNotification(JOURNEY_ALERT, 'firing', 5_000)).toBeDefined();
    const prober = await rig.waitForNotification(PROBER_ALERT, 'firing', 5_000);
    expect(json(prober).verdict).toContain('state store is failing');
    expect(prober.at).toBeLessThan(lockedAt + LOCK_MS);

    // One run every 2 s for ~19.5 s: a synchronous 5 s busy wait per attempt would have cost most of them.
    expect(runsDuringLock).toBeGreaterThanOrEqual(8);
    const m = await rig.metrics();
    expect(m.samples('prober_ticks_skipped_total').find((s) => s.labels.reason === 'missed')?.value).toBe(0);
    expect(p99s.length).toBeGreaterThanOrEqual(8);
    const figures = `event-loop p99 (s) during the lock: ${p99s.join(', ')}; max: ${maxes.join(', ')}; without the lock: ${baseline.p99s.join(', ')}`;
    console.log(figures);
    // p99 < 50 ms, unless the box itself lags that much without any lock (then: no worse than without it).
    expect(median(p99s), figures).toBeLessThan(Math.max(0.05, median(baseline.p99s) * 1.5 + 0.01));
    // Never a synchronous busy wait: the old 5 s busy_timeout froze the loop for 5 s on every attempt.
    expect(Math.max(...maxes), figures).toBeLessThan(1);

    await lock.exited;
    await waitFor(
      '/healthz 200 after the lock',
      async () => ((await rig.healthz()).status === 200 ? true : undefined),
      20_000,
      100,
    );
    await rig.waitForNotification(PROBER_ALERT, 'resolved', 20_000);
    expect((await rig.daemon!.stop('SIGTERM')).code).toBe(0);
    const stored = storedRunIds(store);
    const logged = rig.loggedRunIds();
    expect(
      logged.filter((id) => stored.get(id) !== 1),
      'runs logged but not stored exactly once',
    ).toEqual([]);
    const timeline = rig.timeline(lockedAt);
    expect(rig.notifications(JOURNEY_ALERT, 'firing'), timeline).toHaveLength(1);
    expect(rig.notifications(PROBER_ALERT, 'firing'), timeline).toHaveLength(1);
  });
});

async function loopLag(rig: StoreFaultRig): Promise<{ p99: number; max: number }> {
  const m = await rig.metrics();
  return {
    p99: m.samples('nodejs_eventloop_lag_p99_seconds')[0]?.value ?? Number.NaN,
    max: m.samples('nodejs_eventloop_lag_max_seconds')[0]?.value ?? Number.NaN,
  };
}

async function sampleLoop(rig: StoreFaultRig, ms: number): Promise<{ p99s: number[] }> {
  await loopLag(rig);
  const p99s: number[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 2_000));
    p99s.push((await loopLag(rig)).p99);
  }
  return { p99s };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
