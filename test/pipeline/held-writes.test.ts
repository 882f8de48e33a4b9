import { describe, expect, it } from 'vitest';
import { HeldWrites } from '../../src/store/held-writes.js';
import type { OutboxRecord } from '../../src/store/state-store.js';
import { sampleRun } from '../store/sample-run.js';

const row = (id: string, extra: Partial<OutboxRecord> = {}): OutboxRecord => ({
  id,
  channel: 'hook',
  alertKey: 'env:j',
  payload: { id },
  createdMs: 1,
  nextAttemptMs: 1,
  attempts: 0,
  ...extra,
});
const state = (key: string, n: number) => ({ key, state: { n }, updatedAt: '2026-01-01T00:00:00.000Z' });

describe('HeldWrites: what a failing store keeps in memory', () => {
  it('keeps runs in arrival order, once each, and drops the oldest beyond the bound (counted)', () => {
    const held = new HeldWrites({ maxRuns: 3, maxOutbox: 10 });
    const runs = Array.from({ length: 5 }, () => sampleRun());
    for (const r of runs) held.add({ runs: [r] });
    held.add({ runs: [runs[4]!] }); // the same run again (the store sink after alerting): not twice
    expect(held.heldRuns().map((r) => r.runId)).toEqual(runs.slice(2).map((r) => r.runId));
    expect(held.dropped).toBe(2);
  });

  it.each([
    ['the newest state per key wins', [state('a', 1), state('a', 2), state('b', 1)], { a: 2, b: 1 }],
    ['one key, one write', [state('a', 7)], { a: 7 }],
  ] as const)('%s', (_name, writes, expected) => {
    const held = new HeldWrites();
    for (const w of writes) held.add({ alertStates: [w] });
    expect(Object.fromEntries(held.batch().alertStates!.map((a) => [a.key, (a.state as { n: number }).n]))).toEqual(
      expected,
    );
  });

  it('applies delivery outcomes to held rows, and remembers them for rows already stored', () => {
    const held = new HeldWrites();
    held.add({ outbox: [row('d1')] });
    held.update('d1', { attempts: 1, nextAttemptMs: 1, deliveredMs: 5 });
    held.update('stored', { attempts: 2, nextAttemptMs: 9, lastError: 'HTTP 503' });
    const batch = held.batch();
    expect(batch.outbox).toEqual([row('d1', { attempts: 1, deliveredMs: 5 })]);
    expect(batch.outboxChanges).toEqual([
      { id: 'stored', change: { attempts: 2, nextAttemptMs: 9, lastError: 'HTTP 503' } },
    ]);
  });

  it('forgets exactly what was committed: later additions, a newer state and a delivery during the commit stay held', () => {
    const held = new HeldWrites();
    const first = sampleRun();
    held.add({ runs: [first], alertStates: [state('a', 1)], outbox: [row('d1')] });
    const committed = held.batch();
    const second = sampleRun();
    held.add({ runs: [second], alertStates: [state('a', 2)] }); // same key, same millisecond: still newer
    held.update('d1', { attempts: 1, nextAttemptMs: 1, deliveredMs: 3 }); // delivered while the commit ran
    held.forget(committed);
    expect(held.heldRuns().map((r) => r.runId)).toEqual([second.runId]);
    expect(held.alertState('a')?.state).toEqual({ n: 2 });
    expect(held.heldOutbox()).toEqual([]);
    expect(held.changeFor('d1')).toMatchObject({ deliveredMs: 3 });
    held.forget(held.batch());
    expect(held.empty).toBe(true);
  });

  it('bounds the outbox: delivered and dead rows go before pending ones', () => {
    const held = new HeldWrites({ maxRuns: 10, maxOutbox: 2 });
    held.add({ outbox: [row('p1'), row('done', { deliveredMs: 2 }), row('p2')] });
    expect(
      held
        .heldOutbox()
        .map((o) => o.id)
        .sort(),
    ).toEqual(['p1', 'p2']);
  });
});
