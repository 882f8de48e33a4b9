import type { SuiteJourney } from '../config/discover-suites.js';
import type { SuiteError, SuiteEvent } from '../config/suite-events.js';
import type { StepResult } from '../journey/result-schema.js';
import type { SeenRequest } from './classify-suite-error.js';
import { deepestFailing, failureOf } from './suite-failure.js';
import type { SuiteRunFacts } from './suite-run-facts.js';
import { firstTarget, serviceAnnotation, targetOf } from './suite-services.js';
import { isLastOpen, isWithin, loc, stepOf } from './suite-steps.js';

type StepBegin = Extract<SuiteEvent, { type: 'step/begin' }>;
type StepEnd = Extract<SuiteEvent, { type: 'step/end' }>;
type TestEnd = Extract<SuiteEvent, { type: 'test/end' }>;

const SEP = ' › ';

/** One attempt of one suite test, as the journey's steps. */
export interface Attempt {
  startedAt: string;
  durationMs: number;
  steps: StepResult[];
}

/** A step of the attempt as the reporter saw it: its begin, its end if it ended, and when it started (epoch ms). */
interface Span {
  begin: StepBegin;
  end: StepEnd | undefined;
  start: number;
}

/** What the steps of one attempt are built from: its end, its clock and where its requests went. */
interface AttemptView {
  title: string;
  end: TestEnd | undefined;
  t0: number;
  durationMs: number;
  testService: string;
  /** The attempt's requests within a step's time (5 ms either side). */
  window: (start: number, ms: number) => SeenRequest[];
  /** A step's service: its annotation, else the target of its failing request, else of its first request. */
  serviceFor: (name: string, start: number, ms: number, failing?: SeenRequest) => string;
}

/**
 * Attempt `retry` of one test, from the reporter's events: its `test.step`s that passed or enclose the failure, and
 * the failed step where it happened; undefined when the attempt never began.
 */
export function testAttempt(
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
  const spans = pairSpans(mine);
  const startedAt = begin.startTime;
  const t0 = Date.parse(startedAt);
  const durationMs = end?.duration ?? Math.max(0, Date.now() - t0);
  const at = attemptView(def, { title, end, t0, durationMs }, facts.requests.get(key) ?? [], facts.targets);

  // What went wrong, and where: the deepest step that holds the error, else a hook or fixture, else the test body.
  const passed = end !== undefined && end.status === end.expectedStatus;
  const judged = spans.filter((s) => s.begin.category === 'test.step');
  const failingSpan = passed ? undefined : deepestFailing(spans, end);
  const steps = judgedSteps(judged, failingSpan, passed, at);
  if (!passed) {
    steps.push(failedStep(judged, failingSpan, at, steps, { facts, key }));
    // The step that failed belongs where it began, after the steps that began before it.
    steps.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  }
  if (steps.length === 0) steps.push(stepOf(title, at.testService, 'pass', new Date(t0), durationMs));
  return { startedAt, durationMs, steps };
}

/** Each step's begin with its end, by path and in order (a step run twice in a loop keeps both). */
function pairSpans(mine: readonly SuiteEvent[]): Span[] {
  const begins = mine.filter((e): e is StepBegin => e.type === 'step/begin');
  const ends = mine.filter((e): e is StepEnd => e.type === 'step/end');
  const used = new Set<StepEnd>();
  return begins.map((b) => {
    const e = ends.find((x) => !used.has(x) && x.category === b.category && x.path.join(SEP) === b.path.join(SEP));
    if (e !== undefined) used.add(e);
    return { begin: b, end: e, start: Date.parse(b.startTime) };
  });
}

function attemptView(
  def: SuiteJourney,
  clock: Pick<AttemptView, 'title' | 'end' | 't0' | 'durationMs'>,
  requests: readonly SeenRequest[],
  targets: Readonly<Record<string, string>>,
): AttemptView {
  const annotations = clock.end?.annotations ?? [];
  const testService = serviceAnnotation(annotations, undefined) ?? def.suite.defaultService;
  const window = (start: number, ms: number) =>
    requests.filter((r) => r.startedAt >= start - 5 && r.startedAt <= start + ms + 5);
  const serviceFor = (name: string, start: number, ms: number, failing?: SeenRequest) =>
    serviceAnnotation(annotations, name) ??
    (failing === undefined ? undefined : targetOf(failing.url, targets)) ??
    firstTarget(window(start, ms), targets) ??
    testService;
  return { ...clock, testService, window, serviceFor };
}

/**
 * The `test.step`s other than the one that failed: passed, or failed because they enclose it (their category is
 * the failure's, set by failedStep). A step still open when a failure with no step stopped the test is that failure.
 */
function judgedSteps(
  judged: readonly Span[],
  failingSpan: Span | undefined,
  passed: boolean,
  at: AttemptView,
): StepResult[] {
  const steps: StepResult[] = [];
  for (const s of judged) {
    const name = s.begin.path.join(SEP);
    const ms = s.end?.duration ?? Math.max(0, at.t0 + at.durationMs - s.start);
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
        at.serviceFor(name, s.start, ms),
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
  return steps;
}

/**
 * The step where the attempt failed (the failing span, else the last one open, else the test itself), judged from
 * the error and the requests in its time, with its evidence; the enclosing steps in `steps` take its category.
 */
function failedStep(
  judged: readonly Span[],
  failingSpan: Span | undefined,
  at: AttemptView,
  steps: StepResult[],
  of: { facts: SuiteRunFacts; key: string },
): StepResult {
  const error: SuiteError | undefined = failingSpan?.end?.error ?? at.end?.errors[0];
  const open = failingSpan ?? [...judged].reverse().find((s) => s.end === undefined);
  const name =
    open === undefined
      ? at.title
      : open.begin.category === 'test.step'
        ? open.begin.path.join(SEP)
        : (open.begin.path.at(-1) ?? at.title);
  const start = open?.start ?? at.t0;
  const ms = open?.end?.duration ?? Math.max(0, at.t0 + at.durationMs - start);
  const verdict = failureOf(at.end, error, at.window(start, ms), name, of.facts);
  const failed = stepOf(
    name,
    at.serviceFor(name, start, ms, verdict.request),
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
  const artifacts = of.facts.artifacts.get(of.key) ?? [];
  const notes = error?.snippet === undefined ? [] : [error.snippet];
  return {
    ...failed,
    ...(artifacts.length > 0 ? { artifacts: [...artifacts] } : {}),
    ...(notes.length > 0 ? { evidence: { traceId: of.facts.traceId, notes } } : {}),
  };
}
