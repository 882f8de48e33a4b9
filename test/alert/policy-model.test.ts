import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateJourney, JourneyAlertState } from '../../src/alert/policy.js';
import { DEFAULT_POLICY, type AlertPolicy } from '../../src/config/alert-policy.js';
import type { JsonValue } from '../../src/store/state-store.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { journeyRun, type Outcome } from './fake-results.js';

const dir = mkdtempSync(join(tmpdir(), 'prober-policy-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MIN = 60_000;
interface Step {
  o: Outcome;
  gapMin: number;
  restart: boolean;
}

/** The reference: a few lines written from the words, independent of the implementation's bookkeeping. */
function reference(steps: Step[], p: AlertPolicy): string[] {
  let firing = false;
  let fails = 0;
  let oks = 0;
  let win: boolean[] = [];
  let lastSaid = 0;
  let t = 0;
  const out: string[] = [];
  for (const s of steps) {
    t += s.gapMin * MIN;
    if (s.o !== 'E' && s.o !== 'A') {
      const failed = s.o === 'F';
      fails = failed ? fails + 1 : 0;
      oks = failed ? 0 : oks + 1;
      if (p.window !== undefined) win = [...win, failed].slice(-p.window.of);
    }
    const bad = p.window === undefined ? fails >= p.failureThreshold : win.filter(Boolean).length >= p.window.failures;
    if (!firing && bad) {
      firing = true;
      lastSaid = t;
      out.push('firing');
    } else if (firing && !bad && oks >= p.successThreshold) {
      firing = false;
      win = [];
      out.push('resolved');
    } else if (firing && p.repeatIntervalMs > 0 && t - lastSaid >= p.repeatIntervalMs) {
      lastSaid = t;
      out.push('reminder');
    } else {
      out.push('-');
    }
  }
  return out;
}

const policyArb = fc.record({
  failureThreshold: fc.integer({ min: 1, max: 3 }),
  successThreshold: fc.integer({ min: 1, max: 3 }),
  window: fc.option(
    fc
      .integer({ min: 1, max: 6 })
      .chain((of) => fc.record({ failures: fc.integer({ min: 1, max: of }), of: fc.constant(of) })),
    { nil: undefined },
  ),
  repeatIntervalMs: fc.constantFrom(0, 3 * MIN, 10 * MIN),
});
const stepArb = fc.record({
  o: fc.constantFrom<Outcome>('F', 'F', 'S', 'S', 'D', 'E', 'A'),
  gapMin: fc.integer({ min: 1, max: 3 }),
  restart: fc.boolean(),
});

describe('alert policy against a reference model', () => {
  it('random F/S/D/E/A sequences with random restarts (state through the SQLite store) notify exactly as the model', async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(policyArb, fc.array(stepArb, { minLength: 1, maxLength: 30 }), async (partial, steps) => {
        const policy: AlertPolicy = {
          ...DEFAULT_POLICY,
          ...partial,
          ...(partial.window === undefined ? { window: undefined } : {}),
        };
        const path = join(dir, `model-${++file}.db`);
        let store = new SqliteRunStore(path);
        const got: string[] = [];
        let t = Date.parse('2026-01-01T00:00:00Z');
        try {
          for (const s of steps) {
            t += s.gapMin * MIN;
            if (s.restart) {
              await store.close();
              store = new SqliteRunStore(path);
            }
            const stored = await store.getAlertState('k');
            const state = stored === undefined ? undefined : JourneyAlertState.parse(stored.state);
            const at = new Date(t);
            const r = evaluateJourney(state, journeyRun(s.o, at), at, policy);
            await store.putAlertState('k', r.state as JsonValue);
            expect(r.notifications.length).toBeLessThanOrEqual(1);
            const n = r.notifications[0];
            got.push(n === undefined ? '-' : n.reminder === true ? 'reminder' : n.state);
          }
        } finally {
          await store.close();
          rmSync(path, { force: true });
        }
        expect(got).toEqual(reference(steps, policy));
      }),
      { numRuns: 80 },
    );
  });
});
