import type { SuiteJourney } from '../config/discover-suites.js';
import type { SuiteError, SuiteEvent } from '../config/suite-events.js';
import { combineAttempts } from '../journey/combine-attempts.js';
import { deriveJourneyOutcome } from '../journey/derive-verdict.js';
import type { JourneyResult, StepResult } from '../journey/result-schema.js';
import type { SeenRequest } from './classify-suite-error.js';
import { deepestFailing, failureOf } from './suite-failure.js';
import { firstTarget, serviceAnnotation, targetOf } from './suite-services.js';
import { isLastOpen, isWithin, loc, stepOf } from './suite-steps.js';

/** What one run of a suite's process left: the reporter's events and how the process ended. */
export interface SuiteRunFacts {
  events: readonly SuiteEvent[];
  timedOut: boolean;
  aborted: boolean;
  deadlineMs: number;
  startedAt: Date;
  /** The process ended without a word from the reporter: its first stderr line (already redacted). */
  exitProblem?: string | undefined;
  targets: Readonly<Record<string, string>>;
  /** The page's requests per attempt, `${testId}#${retry}`, from its trace. */
  requests: ReadonlyMap<string, readonly SeenRequest[]>;
  /** The W3C trace id the suite's requests carry (PROBER_TRACE_ID), for each failed step's evidence. */
  traceId: string;
  /** Evidence files kept per attempt, `${testId}#${retry}`. */
  artifacts: ReadonlyMap<string, readonly string[]>;
}

type StepBegin = Extract<SuiteEvent, { type: 'step/begin' }>;
type StepEnd = Extract<SuiteEvent, { type: 'step/end' }>;
type TestEnd = Extract<SuiteEvent, { type: 'test/end' }>;

const SEP = ' › ';

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

interface Attempt {
  startedAt: string;
  durationMs: number;
  steps: StepResult[];
}

function testAttempt(
  def: SuiteJourney,
  id: string,
  title: string,
  retry: number,
  facts: SuiteRunFacts,
): Attempt | undefined {
  const mine = facts.events.filter((e) => 'id' in e && e.id === id && 'retry' in e && e.retry === retry);
  const begin = mine.find((e) => e.type === 'test/begin');
  if (begin === undefined) return undefined;
  const end = mine.find((e): e is TestEnd => e.type === 'test/end');
  const key = `${id}#${retry}`;
  const requests = facts.requests.get(key) ?? [];
  const annotations = end?.annotations ?? [];
  const testService = serviceAnnotation(annotations, undefined) ?? def.suite.defaultService;
  const begins = mine.filter((e): e is StepBegin => e.type === 'step/begin');
  const ends = mine.filter((e): e is StepEnd => e.type === 'step/end');
  // Pair each begin with its end by path, in order (a step run twice in a loop keeps both).
  const used = new Set<StepEnd>();
  const spans = begins.map((b) => {
    const e = ends.find((x) => !used.has(x) && x.category === b.category && x.path.join(SEP) === b.path.join(SEP));
    if (e !== undefined) used.add(e);
    return { begin: b, end: e, start: Date.parse(b.startTime) };
  });
  const startedAt = begin.startTime;
  const t0 = Date.parse(startedAt);
  const durationMs = end?.duration ?? Math.max(0, Date.now() - t0);
  const window = (start: number, ms: number) =>
    requests.filter((r) => r.startedAt >= start - 5 && r.startedAt <= start + ms + 5);
  const serviceFor = (name: string, start: number, ms: number, failing?: SeenRequest) =>
    serviceAnnotation(annotations, name) ??
    (failing === undefined ? undefined : targetOf(failing.url, facts.targets)) ??
    firstTarget(window(start, ms), facts.targets) ??
    testService;

  // What went wrong, and where: the deepest step that holds the error, else a hook or fixture, else the test body.
  const passed = end !== undefined && end.status === end.expectedStatus;
  const steps: StepResult[] = [];
  const judged = spans.filter((s) => s.begin.category === 'test.step');
  const failingSpan = passed ? undefined : deepestFailing(spans, end);
  const error: SuiteError | undefined = failingSpan?.end?.error ?? end?.errors[0];
  for (const s of judged) {
    const name = s.begin.path.join(SEP);
    const ms = s.end?.duration ?? Math.max(0, t0 + durationMs - s.start);
    const holds =
      failingSpan !== undefined &&
      isWithin(failingSpan.begin.path, s.begin.path) &&
      failingSpan.begin.category === 'test.step';
    if (s === failingSpan || (failingSpan === undefined && !passed && s.end === undefined && isLastOpen(judged, s)))
      continue;
    const status = holds || (!passed && s.end?.error !== undefined) ? 'fail' : 'pass';
    steps.push(
      stepOf(
        name,
        serviceFor(name, s.start, ms),
        status,
        new Date(s.start),
        ms,
        status === 'fail'
          ? { category: 'assertion', message: `failed in step ${failingSpan?.begin.path.join(SEP) ?? name}` }
          : undefined,
        loc(s.begin.location),
      ),
    );
  }
  if (!passed) {
    const open = failingSpan ?? [...judged].reverse().find((s) => s.end === undefined);
    const name =
      open === undefined
        ? title
        : open.begin.category === 'test.step'
          ? open.begin.path.join(SEP)
          : (open.begin.path.at(-1) ?? title);
    const start = open?.start ?? t0;
    const ms = open?.end?.duration ?? Math.max(0, t0 + durationMs - start);
    const verdict = failureOf(end, error, window(start, ms), name, facts);
    const failed = stepOf(
      name,
      serviceFor(name, start, ms, verdict.request),
      verdict.category === 'prober' || verdict.category === 'aborted' ? 'error' : 'fail',
      new Date(start),
      ms,
      {
        category: verdict.category,
        message: verdict.message,
        ...(verdict.httpStatus === undefined ? {} : { httpStatus: verdict.httpStatus }),
      },
      loc(error?.location) ?? loc(open?.begin.location),
    );
    // The steps enclosing the failing one failed with it, in its category.
    for (const [i, st] of steps.entries())
      if (st.error?.message.startsWith('failed in step ') === true)
        steps[i] = { ...st, error: { ...st.error, category: verdict.category } };
    const artifacts = facts.artifacts.get(key) ?? [];
    const notes = error?.snippet === undefined ? [] : [error.snippet];
    steps.push({
      ...failed,
      ...(artifacts.length > 0 ? { artifacts: [...artifacts] } : {}),
      ...(notes.length > 0 ? { evidence: { traceId: facts.traceId, notes } } : {}),
    });
    // The step that failed belongs where it began, after the steps that began before it.
    steps.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  }
  if (steps.length === 0) steps.push(stepOf(title, testService, 'pass', new Date(t0), durationMs));
  return { startedAt, durationMs, steps };
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
