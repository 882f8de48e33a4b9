import type { SuiteJourney } from '../config/discover-suites.js';
import type { SuiteEvent } from '../config/suite-events.js';
import { combineAttempts } from '../journey/combine-attempts.js';
import { deriveJourneyOutcome } from '../journey/derive-verdict.js';
import type { JourneyResult, StepResult } from '../journey/result-schema.js';
import { failureOf } from './suite-failure.js';
import type { SuiteRunFacts } from './suite-run-facts.js';
import { stepOf } from './suite-steps.js';
import { type Attempt, testAttempt } from './test-attempt.js';

/** One journey's result from the events of its tests, oldest attempt first (a pass on a retry is `flaky`). Pure. */
export function suiteJourneyResult(def: SuiteJourney, facts: SuiteRunFacts): JourneyResult {
  const ref = def.suite;
  if (ref.loadError !== undefined)
    return journeyOf(def, facts.startedAt.toISOString(), 0, [
      stepOf(
        def.steps[0]?.name ?? def.name,
        ref.defaultService,
        'error',
        facts.startedAt,
        0,
        {
          category: 'prober',
          message: `the spec file does not load: ${ref.loadError.message}`,
        },
        ref.loadError.location,
      ),
    ]);
  const attempts: JourneyResult[] = [];
  // The suite's setup (tests of the projects this one depends on, e.g. the login that writes storageState) is the
  // start of every journey: its steps come first, and when it failed the journey's own tests never ran.
  const setup = setupAttempts(def, facts);
  const setupFailed = setup.some((a) => a.steps.some(isBad));
  const setupSteps = setup.flatMap((a) => a.steps);
  // mapping 'file': the tests of the file in order, their steps one after the other, each attempt index together.
  const retries = Math.max(0, ...ref.tests.map((t) => maxRetry(facts.events, t.id)));
  for (let retry = 0; retry <= retries && !setupFailed; retry++) {
    const steps: StepResult[] = [...setupSteps];
    let started: string | undefined = setup[0]?.startedAt;
    let duration = setup.reduce((sum, a) => sum + a.durationMs, 0);
    let ran = false;
    for (const t of ref.tests) {
      const attempt = testAttempt(def, t.id, t.title, retry, facts);
      if (attempt === undefined) continue;
      ran = true;
      started ??= attempt.startedAt;
      duration += attempt.durationMs;
      steps.push(...attempt.steps);
      if (attempt.steps.some(isBad)) break;
    }
    if (ran || retry === 0)
      attempts.push(
        journeyOf(
          def,
          started ?? facts.startedAt.toISOString(),
          duration,
          ran ? steps : [...steps, ...neverRan(def, facts)],
        ),
      );
  }
  if (setupFailed)
    attempts.push(
      journeyOf(
        def,
        setup[0]?.startedAt ?? facts.startedAt.toISOString(),
        setup.reduce((sum, a) => sum + a.durationMs, 0),
        setupSteps,
      ),
    );
  return combineAttempts(attempts);
}

function isBad(s: StepResult): boolean {
  return s.status === 'fail' || s.status === 'error';
}

/** The last attempt of each setup test (a test of a dependency project) that began, in the order they began. */
function setupAttempts(def: SuiteJourney, facts: SuiteRunFacts): Attempt[] {
  const begin = facts.events.find((e) => e.type === 'begin');
  if (begin === undefined) return [];
  const mine = new Set(def.suite.tests.map((t) => t.project));
  const deps = new Set(begin.projects.filter((p) => mine.has(p.name)).flatMap((p) => p.dependencies));
  const out: Attempt[] = [];
  for (const t of begin.tests) {
    if (!deps.has(t.project)) continue;
    const attempt = testAttempt(def, t.id, t.titles.at(-1) ?? 'setup', maxRetry(facts.events, t.id), facts);
    if (attempt !== undefined) out.push(attempt);
  }
  return out.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
}

function maxRetry(events: readonly SuiteEvent[], id: string): number {
  let max = 0;
  for (const e of events) if (e.type === 'test/begin' && e.id === id) max = Math.max(max, e.retry);
  return max;
}

function neverRan(def: SuiteJourney, facts: SuiteRunFacts): StepResult[] {
  const name = def.steps[0]?.name ?? def.name;
  const why = failureOf(undefined, undefined, [], name, facts);
  const category = facts.timedOut ? ('timeout' as const) : why.category;
  const message = facts.timedOut
    ? `the test did not start within the suite's deadline of ${facts.deadlineMs} ms`
    : why.message;
  return [
    stepOf(
      name,
      def.suite.defaultService,
      category === 'prober' || category === 'aborted' ? 'error' : 'fail',
      facts.startedAt,
      0,
      { category, message },
    ),
  ];
}

function journeyOf(def: SuiteJourney, startedAt: string, durationMs: number, steps: StepResult[]): JourneyResult {
  // Steps that only enclose the failing one are reported but not judged: the failure is where it happened.
  const failing = steps.find(
    (s) => (s.status === 'fail' || s.status === 'error') && s.error?.message.startsWith('failed in step ') !== true,
  );
  const judged = failing === undefined ? steps : [failing];
  const outcome = deriveJourneyOutcome({
    capability: def.capability,
    steps: judged,
    durationMs,
    budgetMs: def.budgetMs,
  });
  return {
    journey: def.name,
    description: def.description,
    status: outcome.status,
    startedAt,
    durationMs: Math.max(0, Math.round(durationMs)),
    verdict: outcome.verdict,
    ...(outcome.failure === undefined ? {} : { failure: outcome.failure }),
    steps: steps.map((s) => ({ ...s, timeoutMs: def.timeoutMs })),
  };
}
