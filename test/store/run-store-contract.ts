import { afterEach, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import type { StateStore } from '../../src/store/state-store.js';
import { sampleRun } from './sample-run.js';

/** One backend (SQLite file, Postgres database) as the contract suite drives it. */
export interface StoreBackend {
  /** A new, empty store; `reopen` opens the same data again (as a restarted process would). */
  fresh(): Promise<{
    store: StateStore;
    reopen(options?: { onInvalid?: (runId: string, problem: string) => void }): Promise<StateStore>;
  }>;
  /** Overwrites a stored document behind the store's back (hand edit, or another schema version). */
  corrupt(store: StateStore, runId: string, document: string): Promise<void>;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/**
 * The StateStore contract, run as one suite on every backend: what the daemon, `prober report` and the alert
 * pipeline rely on, whatever stores the state.
 */
export function runStoreContract(name: string, backend: () => StoreBackend): void {
  describe(`StateStore contract: ${name}`, () => {
    const open: StateStore[] = [];
    const track = (s: StateStore) => {
      open.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });
    const fresh = async () => {
      const f = await backend().fresh();
      track(f.store);
      return { store: f.store, reopen: async (o?: Parameters<typeof f.reopen>[0]) => track(await f.reopen(o)) };
    };

    it('returns validated documents newest first, per journey or all, and lists journeys', async () => {
      const { store } = await fresh();
      const older = sampleRun({ startedAt: minutesAgo(2) });
      const newer = { ...sampleRun({ startedAt: minutesAgo(1), status: 'fail' }), location: 'eu-west-1' };
      await store.saveRun(older);
      await store.saveRun(newer);
      await store.saveRun(sampleRun({ journey: 'other', startedAt: minutesAgo(3) }));
      const runs = await store.listRuns({ journey: 'golden-path-api', limit: 10 });
      expect(runs.map((r) => r.runId)).toEqual([newer.runId, older.runId]);
      for (const r of runs) expect(RunResult.safeParse(r).success).toBe(true);
      expect(runs[0]).toEqual(newer);
      expect(runs[1]).toEqual(older);
      expect((await store.listRuns({ limit: 2 })).map((r) => r.runId)).toEqual([newer.runId, older.runId]);
      expect(await store.listRuns({ journey: 'nobody', limit: 10 })).toEqual([]);
      expect(await store.listJourneys()).toEqual(['golden-path-api', 'other']);
    });

    it('saving the same run twice keeps one copy', async () => {
      const { store } = await fresh();
      const run = sampleRun();
      await store.saveRun(run);
      await store.saveRun(run);
      expect(await store.listRuns({ limit: 10 })).toHaveLength(1);
    });

    it('history survives closing and reopening', async () => {
      const { store, reopen } = await fresh();
      const run = sampleRun();
      await store.saveRun(run);
      await store.close();
      const again = await reopen();
      expect((await again.listRuns({ limit: 10 })).map((r) => r.runId)).toEqual([run.runId]);
    });

    it('uptime counts pass, degraded and flaky as up, fail as down, and ignores error', async () => {
      const { store } = await fresh();
      for (const status of ['pass', 'degraded', 'fail', 'error', 'pass', 'flaky'] as const)
        await store.saveRun(sampleRun({ status, startedAt: minutesAgo(5) }));
      await store.saveRun(sampleRun({ status: 'fail', startedAt: minutesAgo(60 * 30) }));
      expect(await store.uptime('golden-path-api', minutesAgo(60 * 24))).toEqual({ up: 4, down: 1 });
      expect(await store.uptime('golden-path-api', minutesAgo(60 * 24 * 7))).toEqual({ up: 4, down: 2 });
      expect(await store.uptime('nobody', minutesAgo(60))).toEqual({ up: 0, down: 0 });
    });

    it('retention removes runs beyond the age limit and beyond the per-journey count', async () => {
      const { store } = await fresh();
      await store.saveRun(sampleRun({ startedAt: minutesAgo(60 * 24 * 3) }));
      for (let i = 5; i >= 1; i--) await store.saveRun(sampleRun({ startedAt: minutesAgo(i) }));
      for (let i = 2; i >= 1; i--) await store.saveRun(sampleRun({ journey: 'other', startedAt: minutesAgo(i) }));
      expect(await store.prune({ maxAgeDays: 2, maxRunsPerJourney: 3 })).toBe(3);
      expect(await store.listRuns({ journey: 'golden-path-api', limit: 10 })).toHaveLength(3);
      expect(await store.listRuns({ journey: 'other', limit: 10 })).toHaveLength(2);
      expect(await store.prune({ maxAgeDays: 2, maxRunsPerJourney: 3 })).toBe(0);
    });

    it('in-flight markers of a process that went away are taken once; saving a run clears its marker', async () => {
      const { store, reopen } = await fresh();
      const done = sampleRun();
      const crashed = sampleRun();
      for (const r of [done, crashed])
        await store.markInFlight({
          runId: r.runId,
          journey: 'golden-path-api',
          environment: 'test',
          startedAt: r.startedAt,
        });
      await store.updateInFlight(crashed.runId, { name: 'chat.reply', service: 'backend', timeoutMs: 20_000 });
      await store.saveRun(done);
      await store.close();
      const again = await reopen();
      expect(await again.takeInFlight()).toEqual([
        {
          runId: crashed.runId,
          journey: 'golden-path-api',
          environment: 'test',
          startedAt: crashed.startedAt,
          step: { name: 'chat.reply', service: 'backend', timeoutMs: 20_000 },
        },
      ]);
      expect(await again.takeInFlight()).toEqual([]);
    });

    it('keeps alert state per key and enqueues its notifications in the same write', async () => {
      const { store } = await fresh();
      expect(await store.getAlertState('test:golden-path-api')).toBeUndefined();
      const entry = (id: string, key = 'test:golden-path-api') => ({
        id,
        channel: 'hook',
        alertKey: key,
        payload: { id, n: [1, 'x', null] },
        createdMs: 1_000,
        nextAttemptMs: 1_000,
      });
      await store.putAlertState('test:golden-path-api', { phase: 'firing', failures: 2 }, [entry('d1'), entry('d2')]);
      await store.putAlertState('test:other', { phase: 'firing' }, [entry('d3', 'test:other')]);
      await store.putAlertState('test:golden-path-api', { phase: 'ok', failures: 0 });
      const got = await store.getAlertState('test:golden-path-api');
      expect(got?.state).toEqual({ phase: 'ok', failures: 0 });
      expect(Date.parse(got?.updatedAt ?? '')).toBeGreaterThan(0);
      const pending = await store.listOutbox({ status: 'pending', limit: 10 });
      expect(pending.map((o) => o.id)).toEqual(['d1', 'd2', 'd3']);
      expect(pending[0]).toEqual({
        ...entry('d1'),
        attempts: 0,
        deliveredMs: undefined,
        deadReason: undefined,
        lastError: undefined,
      });
      // An outbox id is written once: a second enqueue of the same id fails the whole write, state included.
      await expect(store.putAlertState('test:golden-path-api', { phase: 'again' }, [entry('d1')])).rejects.toThrow();
      expect((await store.getAlertState('test:golden-path-api'))?.state).toEqual({ phase: 'ok', failures: 0 });
    });

    it('records delivery outcomes: delivered and dead rows leave the pending list, in FIFO order', async () => {
      const { store } = await fresh();
      const entries = ['a', 'b', 'c'].map((id, i) => ({
        id,
        channel: 'hook',
        alertKey: 'k',
        payload: { id },
        createdMs: i,
        nextAttemptMs: i,
      }));
      await store.putAlertState('k', { phase: 'firing' }, entries);
      await store.updateOutbox('a', {
        attempts: 1,
        nextAttemptMs: 5,
        deliveredMs: 42,
        deadReason: undefined,
        lastError: undefined,
      });
      await store.updateOutbox('b', {
        attempts: 3,
        nextAttemptMs: 9,
        deliveredMs: undefined,
        deadReason: 'refused',
        lastError: 'HTTP 400',
      });
      await store.updateOutbox('c', {
        attempts: 1,
        nextAttemptMs: 77,
        deliveredMs: undefined,
        deadReason: undefined,
        lastError: 'HTTP 503',
      });
      expect(
        (await store.listOutbox({ status: 'pending', limit: 10 })).map((o) => [
          o.id,
          o.attempts,
          o.nextAttemptMs,
          o.lastError,
        ]),
      ).toEqual([['c', 1, 77, 'HTTP 503']]);
      expect((await store.listOutbox({ status: 'delivered', limit: 10 })).map((o) => [o.id, o.deliveredMs])).toEqual([
        ['a', 42],
      ]);
      expect((await store.listOutbox({ status: 'dead', limit: 10 })).map((o) => [o.id, o.deadReason])).toEqual([
        ['b', 'refused'],
      ]);
      expect((await store.listOutbox({ status: 'all', limit: 2 })).map((o) => o.id)).toEqual(['a', 'b']);
    });

    it('skips a stored document that no longer validates and says which one', async () => {
      const { store, reopen } = await fresh();
      const bad = sampleRun();
      await store.saveRun(bad);
      await backend().corrupt(store, bad.runId, JSON.stringify({ ...bad, schema: 'prober.run/v0' }));
      await store.close();
      const invalid: string[] = [];
      const again = await reopen({ onInvalid: (id) => invalid.push(id) });
      expect(await again.listRuns({ limit: 10 })).toEqual([]);
      expect(invalid).toEqual([bad.runId]);
    });
  });
}
