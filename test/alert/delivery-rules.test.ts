import { describe, expect, it } from 'vitest';
import { outcomeForStatus, parseRetryAfter } from '../../src/alert/delivery-outcome.js';
import { queueHeads, retryDelayMs } from '../../src/alert/outbox.js';
import type { OutboxRecord } from '../../src/store/state-store.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');

describe('delivery rules', () => {
  it.each([
    [200, 'accepted'],
    [202, 'accepted'],
    [301, 'retry'],
    [307, 'retry'],
    [400, 'refused'],
    [401, 'refused'],
    [404, 'refused'],
    [408, 'retry'],
    [410, 'gone'],
    [422, 'refused'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ])('HTTP %i → %s', (status, kind) => {
    expect(outcomeForStatus(status, null, NOW).kind).toBe(kind);
  });

  it('Retry-After is honoured on 429 and 503, as seconds or an HTTP date', () => {
    expect(outcomeForStatus(429, '2', NOW)).toMatchObject({ kind: 'retry', retryAfterMs: 2_000 });
    expect(outcomeForStatus(503, new Date(NOW + 30_000).toUTCString(), NOW)).toMatchObject({ retryAfterMs: 30_000 });
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });

  it('backoff: exponential with full jitter, capped; Retry-After is a floor', () => {
    const s = { initialBackoffMs: 1_000, maxBackoffMs: 60_000 };
    expect([1, 2, 3, 4, 7, 8, 30].map((n) => retryDelayMs(n, s, () => 0.999999))).toEqual([
      999, 1_999, 3_999, 7_999, 59_999, 59_999, 59_999,
    ]);
    expect(retryDelayMs(5, s, () => 0)).toBe(0);
    expect(retryDelayMs(1, s, () => 0.5, 5_000)).toBe(5_000);
  });

  it('per-key FIFO: only the oldest pending row of each channel+key may go', () => {
    const row = (id: string, channel: string, alertKey: string): OutboxRecord => ({
      id,
      channel,
      alertKey,
      payload: null,
      createdMs: 0,
      nextAttemptMs: 0,
      attempts: 0,
    });
    const heads = queueHeads([row('1', 'a', 'k1'), row('2', 'a', 'k1'), row('3', 'a', 'k2'), row('4', 'b', 'k1')]);
    expect(heads.map((r) => r.id)).toEqual(['1', '3', '4']);
  });
});
