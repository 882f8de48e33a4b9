import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveJourneyOutcome, summarizeRun } from '../../src/journey/derive-verdict.js';
import { CATEGORIES, type JourneyStatus, type StepResult } from '../../src/journey/result-schema.js';

const stepArb: fc.Arbitrary<StepResult> = fc
  .record({
    name: fc.constantFrom('auth.token', 'session.create', 'chat.connect', 'chat.send', 'chat.reply', 'session.close'),
    service: fc.constantFrom('auth', 'backend', 'web'),
    status: fc.constantFrom('pass', 'degraded', 'fail', 'skipped', 'error'),
    always: fc.boolean(),
    durationMs: fc.nat(30_000),
    category: fc.constantFrom(...CATEGORIES),
  })
  .map(({ category, ...s }) => ({
    ...s,
    startedAt: new Date(0).toISOString(),
    timeoutMs: 30_000,
    budgetMs: 1_000,
    ...(s.status === 'fail' || s.status === 'error' ? { error: { category, message: 'boom' } } : {}),
  }));

describe('deriveJourneyOutcome', () => {
  it('status, verdict and failure can never disagree', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 8 }),
        fc.nat(60_000),
        fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }),
        (steps, durationMs, budgetMs) => {
          const o = deriveJourneyOutcome({ capability: 'log in and chat', steps, durationMs, budgetMs });
          const judged = steps.filter((s) => s.always !== true);
          const first = judged.find((s) => s.status === 'fail' || s.status === 'error');
          expect(o.failure !== undefined).toBe(o.status === 'fail' || o.status === 'error');
          if (first !== undefined) {
            expect(o.failure?.step).toBe(first.name);
            expect(o.failure?.service).toBe(first.service);
            expect(o.status).toBe(first.status);
            expect(o.verdict).toContain(first.name);
          }
          expect(o.verdict.startsWith('Users can ')).toBe(o.status === 'pass' || o.status === 'degraded');
          expect(o.verdict.startsWith('Users cannot ')).toBe(o.status === 'fail');
          expect(o.verdict.startsWith('Could not judge')).toBe(o.status === 'error');
          if (o.status === 'pass')
            expect(judged.every((s) => s.status === 'pass' || s.status === 'skipped')).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a failing cleanup step never changes the verdict', () => {
    const o = deriveJourneyOutcome({
      capability: 'log in and chat',
      durationMs: 10,
      steps: [
        {
          name: 'a',
          service: 'auth',
          status: 'pass',
          startedAt: new Date(0).toISOString(),
          durationMs: 1,
          timeoutMs: 10,
        },
        {
          name: 'b',
          service: 'backend',
          status: 'fail',
          always: true,
          startedAt: new Date(0).toISOString(),
          durationMs: 1,
          timeoutMs: 10,
          error: { category: 'http_status', message: 'x' },
        },
      ],
    });
    expect(o).toEqual({ status: 'pass', verdict: 'Users can log in and chat' });
  });
});

describe('summarizeRun', () => {
  it('counts always add up and the run status follows them ("FAILED - 0 failed" is impossible)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ status: fc.constantFrom<JourneyStatus>('pass', 'degraded', 'flaky', 'fail', 'error') }), {
          maxLength: 10,
        }),
        (journeys) => {
          const { status, summary } = summarizeRun(journeys);
          expect(summary.passed + summary.degraded + summary.flaky + summary.failed + summary.errored).toBe(
            summary.journeys,
          );
          expect(summary.journeys).toBe(journeys.length);
          expect(status === 'fail').toBe(summary.failed > 0);
          expect(status === 'pass').toBe(journeys.length > 0 && summary.passed === journeys.length);
          if (status === 'error') expect(summary.errored > 0 || journeys.length === 0).toBe(true);
          if (status === 'degraded') expect(summary.degraded).toBeGreaterThan(0);
          // A pass that needed a retry outranks degraded and never hides a failure or an error.
          expect(status === 'flaky').toBe(summary.flaky > 0 && summary.failed === 0 && summary.errored === 0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
