import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertRecorder } from '../../src/alert/alert-recorder.js';
import type { AlertEvent } from '../../src/alert/notification.js';
import { AlertsConfigSchema } from '../../src/config/alerts-config.js';
import type { RunResult } from '../../src/journey/result-schema.js';
import type { StoreBatch } from '../../src/store/state-store.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { type Outcome, runResult } from '../alert/fake-results.js';

// A daemon alone on its SQLite store evaluates the runs that finished while the alert lane was busy as one group,
// written in one transaction (src/alert/evaluation-groups.ts). These check it decides exactly what one run at a time
// decided, writes once per group, resolves nothing before that write, and drops a failing evaluation alone.

const ALERTS = AlertsConfigSchema.parse({ channels: { hook: { type: 'webhook', url: '${env:HOOK_URL}' } } });
const AT = new Date('2026-12-01T10:00:00.000Z');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function pipelineOn(wrap: (store: SqliteRunStore) => Partial<SqliteRunStore> = () => ({})) {
  const dir = mkdtempSync(join(tmpdir(), 'prober-groups-'));
  dirs.push(dir);
  const store = new SqliteRunStore(join(dir, 'state.db'));
  const commits: StoreBatch[] = [];
  const overrides = wrap(store);
  const seen = Object.assign(Object.create(store) as SqliteRunStore, overrides, {
    commit: (b: StoreBatch) => {
      commits.push(b);
      return (overrides.commit ?? store.commit.bind(store))(b);
    },
  });
  const pipeline = new AlertRecorder({
    store: seen,
    alerts: ALERTS,
    channels: ['hook'],
    log: pino({ level: 'silent' }),
    clock: () => AT,
  });
  return { store, pipeline, commits };
}

/** Three journeys failing, recovering and erroring in turn: firing, resolved and prober-health steps all happen. */
function runs(): RunResult[] {
  const plan: [string, Outcome][] = [];
  for (const round of ['FFS', 'FSF', 'SSE', 'SFF', 'SSS'])
    for (const [i, journey] of ['login', 'chat', 'search'].entries()) plan.push([journey, round[i] as Outcome]);
  return plan.map(([journey, o], i) => ({
    ...runResult(o, new Date(AT.getTime() + i * 1000), { journey }),
    runId: `r${i}`,
  }));
}

/** What the store holds afterwards: states as data (key order aside), the notifications without their random ids. */
async function stateOf(p: ReturnType<typeof pipelineOn>) {
  const keys = ['login', 'chat', 'search'].map((j) => `staging:${j}`).concat('prober:staging');
  const states = await Promise.all(keys.map(async (k) => [k, (await p.store.getAlertState(k))?.state]));
  const outbox = (await p.store.listOutbox({ status: 'all', limit: 1000 })).map((o) => {
    const { deliveryId: _id, ...payload } = o.payload as Record<string, unknown>;
    return [o.channel, payload];
  });
  const stored = (await p.store.listRuns({ limit: 1000 })).map((r) => r.runId).sort();
  return { states, outbox, stored };
}

describe('alert evaluation in groups (one process on its store)', () => {
  it('decides what one run at a time decided, and writes all the runs that arrived together in one transaction', async () => {
    const one = pipelineOn();
    const serialEvents: AlertEvent[][] = [];
    for (const r of runs()) serialEvents.push(await one.pipeline.record(r));
    const grouped = pipelineOn();
    const groupedEvents = await Promise.all(runs().map((r) => grouped.pipeline.record(r)));
    expect(groupedEvents).toEqual(serialEvents);
    expect(serialEvents.flat().map((e) => `${e.journey}:${e.state}`)).toEqual(
      expect.arrayContaining(['login:firing', 'login:resolved']),
    );
    expect(await stateOf(grouped)).toEqual(await stateOf(one));
    expect(one.commits).toHaveLength(15);
    expect(grouped.commits).toHaveLength(1);
    expect(grouped.commits[0]!.runs).toHaveLength(15);
  });

  it('resolves no run before the transaction holding it has committed', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const p = pipelineOn((store) => ({ commit: async (b) => held.then(() => store.commit(b)) }));
    let settled = 0;
    const all = runs()
      .slice(0, 4)
      .map((r) => p.pipeline.record(r).then(() => settled++));
    await new Promise((r) => setTimeout(r, 50));
    expect(p.commits).toHaveLength(1);
    expect(settled).toBe(0);
    release();
    await Promise.all(all);
    expect(settled).toBe(4);
    expect((await stateOf(p)).stored).toHaveLength(4);
  });

  it('drops an evaluation that throws alone: the rest of its group is decided and written', async () => {
    const p = pipelineOn((store) => ({
      quarantineAlertState: async () => {
        throw new Error('quarantine refused');
      },
      getAlertState: async (key) =>
        key === 'staging:chat'
          ? { key, raw: '{not json', state: undefined, updatedAt: AT.toISOString() }
          : store.getAlertState(key),
    }));
    const outcomes = await Promise.allSettled(
      runs()
        .slice(0, 3)
        .map((r) => p.pipeline.record(r)),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(p.commits).toHaveLength(1);
    expect(p.commits[0]?.runs?.map((r) => r.journeys[0]?.journey)).toEqual(['login', 'search']);
  });
});
