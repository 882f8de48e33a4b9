import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { journey, step } from '../../src/journey/define.js';
import { StepFailure } from '../../src/journey/errors.js';
import { RunResult, type Category } from '../../src/journey/result-schema.js';
import { runJourneys } from '../../src/journey/run.js';
import type { StepIo, StepIoFactory } from '../../src/journey/step-ports.js';
import { Redactor } from '../../src/redact.js';

// These journeys do no I/O; the step kinds are never touched, so the factory hands out no clients at all (and the
// test does not change when a step kind is registered).
const noIo: StepIoFactory = () => () => ({}) as StepIo;

type Behaviour =
  | { kind: 'pass' }
  | { kind: 'throw'; category: Exclude<Category, 'aborted'> }
  | { kind: 'bug' }
  | { kind: 'skip' }
  | { kind: 'hang' };

const behaviourArb: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.constant<Behaviour>({ kind: 'pass' }),
  fc
    .constantFrom('timeout', 'network', 'http_status', 'auth', 'contract', 'assertion', 'browser', 'prober')
    .map((category) => ({ kind: 'throw' as const, category })),
  fc.constant<Behaviour>({ kind: 'bug' }),
  fc.constant<Behaviour>({ kind: 'skip' }),
  fc.constant<Behaviour>({ kind: 'hang' }),
);

/**
 * Only a hanging step waits for its deadline. At 30 ms a 10 ms stall of the test's own process (a loaded box) was a
 * third of it, so the stall policy rightly called the hang the prober's own error (`prober`, not `timeout`) now and
 * then; at 200 ms a stall must reach 50 ms, on the first attempt and on the retry, to do that.
 */
const STEP_TIMEOUT_MS = 200;

function stepFor(i: number, b: Behaviour, always: boolean) {
  return step(
    `s${i}`,
    { service: i % 2 === 0 ? 'auth' : 'backend', timeoutMs: STEP_TIMEOUT_MS, always },
    async (ctx) => {
      if (b.kind === 'throw') throw new StepFailure(b.category, `injected ${b.category}`);
      if (b.kind === 'bug') (undefined as unknown as { x: number }).x.toFixed();
      if (b.kind === 'skip') ctx.skip('nothing to do');
      if (b.kind === 'hang') await new Promise(() => undefined); // ignores its signal on purpose
    },
  );
}

const runOptions = () => ({
  environment: 'test',
  targets: { auth: 'http://127.0.0.1:1' },
  secrets: {},
  variables: {},
  redactor: new Redactor(),
  io: noIo,
  userAgent: 'test',
  maxBodyBytes: 1024,
});

/**
 * A hanging step is a timeout, unless the prober itself was stalled for a quarter of it on the attempt and on its
 * retry (a loaded CI box: 3 test workers on 2 cores): then the stall policy rightly makes it the prober's own error,
 * said as a stall, never a service failure (stall-policy.ts; the stall tests cover the policy itself).
 */
function expectHangJudged(s: { status: string; error?: { category: string; message: string } }): void {
  if (s.error?.category === 'prober') {
    expect(s.status).toBe('error');
    expect(s.error.message).toMatch(/^the prober was stalled for \d+ ms of this (step|journey)'s \d+ ms/);
  } else expect(s.error?.category).toBe('timeout');
}

describe('runner', () => {
  it('any mix of step behaviours gives a schema-valid result whose verdict matches its steps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(behaviourArb, fc.boolean()), { minLength: 1, maxLength: 6 }), async (spec) => {
        const j = journey({
          name: 'j',
          description: 'd',
          capability: 'do it',
          steps: spec.map(([b, always], i) => stepFor(i, b, always)),
        });
        const result = RunResult.parse(await runJourneys([j], runOptions()));
        const steps = result.journeys[0]!.steps;
        expect(steps).toHaveLength(spec.length);
        const firstBad = spec.findIndex(([b, always]) => !always && b.kind !== 'pass' && b.kind !== 'skip');
        spec.forEach(([b, always], i) => {
          const s = steps[i]!;
          if (firstBad !== -1 && i > firstBad && !always) {
            expect(s.status).toBe('skipped');
            return;
          }
          if (b.kind === 'pass') expect(s.status).toBe('pass');
          if (b.kind === 'skip') expect(s.status).toBe('skipped');
          if (b.kind === 'hang') expectHangJudged(s);
          if (b.kind === 'bug') expect([s.status, s.error?.category]).toEqual(['error', 'prober']);
          if (b.kind === 'throw')
            expect([s.status, s.error?.category]).toEqual([b.category === 'prober' ? 'error' : 'fail', b.category]);
        });
        const j0 = result.journeys[0]!;
        expect(j0.failure?.step).toBe(firstBad === -1 ? undefined : `s${firstBad}`);
        expect(result.summary.failed).toBe(j0.status === 'fail' ? 1 : 0);
      }),
      { numRuns: 60 },
    );
  });

  it('runs cleanup after a failure and passes values between steps', async () => {
    const seen: string[] = [];
    const j = journey({
      name: 'j',
      description: 'd',
      capability: 'do it',
      steps: [
        step('make', { service: 'auth' }, (ctx) => ctx.vars.set('id', 'abc')),
        step('break', { service: 'auth' }, (ctx) => ctx.fail('http_status', 'HTTP 500')),
        step('never', { service: 'auth' }, () => void seen.push('never')),
        step('cleanup', { service: 'auth', always: true }, (ctx) => void seen.push(ctx.vars.get('id'))),
      ],
    });
    const r = await runJourneys([j], runOptions());
    expect(seen).toEqual(['abc']);
    expect(r.journeys[0]!.steps.map((s) => s.status)).toEqual(['pass', 'fail', 'skipped', 'pass']);
    expect(r.journeys[0]!.verdict).toBe('Users cannot do it: auth step break failed (http_status): HTTP 500');
  });

  it('ends a step that ignores its signal at the deadline, as a timeout', async () => {
    const j = journey({
      name: 'j',
      description: 'd',
      capability: 'x',
      timeoutMs: 5_000,
      steps: [step('hang', { service: 'auth', timeoutMs: 100 }, () => new Promise(() => undefined))],
    });
    const r = await runJourneys([j], runOptions());
    const s = r.journeys[0]!.steps[0]!;
    expect(s.error).toEqual({ category: 'timeout', message: 'timed out after 100 ms' });
    expect(s.durationMs).toBeGreaterThanOrEqual(95);
    expect(s.durationMs).toBeLessThan(1100);
  });

  it('records an abort from outside as aborted (error), never as the environment failing', async () => {
    const controller = new AbortController();
    const j = journey({
      name: 'j',
      description: 'd',
      capability: 'x',
      steps: [
        step('wait', { service: 'auth', timeoutMs: 5_000 }, (ctx) => {
          queueMicrotask(() => controller.abort());
          return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
        }),
      ],
    });
    const r = await runJourneys([j], { ...runOptions(), signal: controller.signal });
    expect(r.journeys[0]!.status).toBe('error');
    expect(r.journeys[0]!.failure?.category).toBe('aborted');
  });
});
