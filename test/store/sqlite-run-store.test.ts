import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { sampleRun } from './sample-run.js';

let dir: string;
let path: string;
let store: SqliteRunStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'prober-store-'));
  path = join(dir, 'nested', 'state.db');
  store = new SqliteRunStore(path);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('SqliteRunStore', () => {
  it('creates its folder, runs in WAL mode and returns validated documents newest first', async () => {
    expect(store.journalMode()).toBe('wal');
    const older = sampleRun({ startedAt: minutesAgo(2) });
    const newer = sampleRun({ startedAt: minutesAgo(1), status: 'fail' });
    await store.saveRun(older);
    await store.saveRun(newer);
    const runs = await store.listRuns({ journey: 'golden-path-api', limit: 10 });
    expect(runs.map((r) => r.runId)).toEqual([newer.runId, older.runId]);
    for (const r of runs) expect(RunResult.safeParse(r).success).toBe(true);
    expect(runs[1]).toEqual(older);
    expect(await store.listRuns({ limit: 1 })).toHaveLength(1);
    expect(await store.listRuns({ journey: 'other', limit: 10 })).toEqual([]);
    expect(await store.listJourneys()).toEqual(['golden-path-api']);
  });

  it('saving the same run twice keeps one copy', async () => {
    const run = sampleRun();
    await store.saveRun(run);
    await store.saveRun(run);
    expect(await store.listRuns({ limit: 10 })).toHaveLength(1);
  });

  it('history survives closing and reopening the file', async () => {
    const run = sampleRun();
    await store.saveRun(run);
    await store.close();
    store = new SqliteRunStore(path);
    expect((await store.listRuns({ limit: 10 })).map((r) => r.runId)).toEqual([run.runId]);
  });

  it('uptime counts pass and degraded as up, fail as down, and ignores error (could not judge)', async () => {
    for (const status of ['pass', 'degraded', 'fail', 'error', 'pass'] as const)
      await store.saveRun(sampleRun({ status, startedAt: minutesAgo(5) }));
    await store.saveRun(sampleRun({ status: 'fail', startedAt: minutesAgo(60 * 30) }));
    expect(await store.uptime('golden-path-api', minutesAgo(60 * 24))).toEqual({ up: 3, down: 1 });
    expect(await store.uptime('golden-path-api', minutesAgo(60 * 24 * 7))).toEqual({ up: 3, down: 2 });
    expect(await store.uptime('nobody', minutesAgo(60))).toEqual({ up: 0, down: 0 });
  });

  it('retention removes runs beyond the age limit and beyond the per-journey count, with their step rows', async () => {
    await store.saveRun(sampleRun({ startedAt: minutesAgo(60 * 24 * 3) }));
    for (let i = 5; i >= 1; i--) await store.saveRun(sampleRun({ startedAt: minutesAgo(i) }));
    for (let i = 2; i >= 1; i--) await store.saveRun(sampleRun({ journey: 'other', startedAt: minutesAgo(i) }));
    const removed = await store.prune({ maxAgeDays: 2, maxRunsPerJourney: 3 });
    expect(removed).toBe(3);
    expect(await store.listRuns({ journey: 'golden-path-api', limit: 10 })).toHaveLength(3);
    expect(await store.listRuns({ journey: 'other', limit: 10 })).toHaveLength(2);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM step_results').pluck().get()).toBe(5 * 2);
    db.close();
  });

  it('in-flight markers survive a crash and are cleared by saving the run', async () => {
    const done = sampleRun();
    const crashed = sampleRun();
    for (const r of [done, crashed]) {
      await store.markInFlight({
        runId: r.runId,
        journey: 'golden-path-api',
        environment: 'test',
        startedAt: r.startedAt,
      });
    }
    await store.updateInFlight(crashed.runId, { name: 'chat.reply', service: 'backend', timeoutMs: 20_000 });
    await store.saveRun(done);
    await store.close();
    store = new SqliteRunStore(path);
    const left = await store.takeInFlight();
    expect(left).toEqual([
      {
        runId: crashed.runId,
        journey: 'golden-path-api',
        environment: 'test',
        startedAt: crashed.startedAt,
        step: { name: 'chat.reply', service: 'backend', timeoutMs: 20_000 },
      },
    ]);
    expect(await store.takeInFlight()).toEqual([]);
  });

  it('keeps alert state per key and has the outbox table', async () => {
    expect(await store.getAlertState('test:golden-path-api')).toBeUndefined();
    await store.putAlertState('test:golden-path-api', { state: 'firing', failures: 2 });
    await store.putAlertState('test:golden-path-api', { state: 'resolved', failures: 0 });
    const got = await store.getAlertState('test:golden-path-api');
    expect(got?.state).toEqual({ state: 'resolved', failures: 0 });
    expect(Date.parse(got?.updatedAt ?? '')).toBeGreaterThan(0);
    await store.close();
    const db = new Database(path, { readonly: true });
    const columns = db.prepare("SELECT name FROM pragma_table_info('outbox')").pluck().all();
    expect(columns).toEqual(
      expect.arrayContaining(['id', 'channel', 'payload', 'attempts', 'next_attempt_ms', 'delivered_ms']),
    );
    db.close();
  });

  it('skips a stored document that no longer validates and says which one', async () => {
    const bad = sampleRun();
    await store.saveRun(bad);
    await store.close();
    const db = new Database(path);
    db.prepare('UPDATE runs SET document = ? WHERE run_id = ?').run(
      JSON.stringify({ ...bad, schema: 'prober.run/v0' }),
      bad.runId,
    );
    db.close();
    const invalid: string[] = [];
    store = new SqliteRunStore(path, { onInvalid: (id) => invalid.push(id) });
    expect(await store.listRuns({ limit: 10 })).toEqual([]);
    expect(invalid).toEqual([bad.runId]);
  });
});
