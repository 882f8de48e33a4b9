import type { SuiteError, SuiteEvent } from '../config/suite-events.js';
import type { Category } from '../journey/result-schema.js';
import { classifySuiteError, type SeenRequest } from './classify-suite-error.js';

type StepBegin = Extract<SuiteEvent, { type: 'step/begin' }>;
type StepEnd = Extract<SuiteEvent, { type: 'step/end' }>;
type TestEnd = Extract<SuiteEvent, { type: 'test/end' }>;

/** How the suite's process ended, as far as a test's failure depends on it. */
interface StopFacts {
  timedOut: boolean;
  aborted: boolean;
  deadlineMs: number;
  exitProblem?: string | undefined;
}

/** Why a suite test failed and where: pure, over the reporter's events. */

export function failureOf(
  end: TestEnd | undefined,
  error: SuiteError | undefined,
  requests: readonly SeenRequest[],
  step: string,
  facts: StopFacts,
): { category: Category; message: string; httpStatus?: number; request?: SeenRequest } {
  if (end === undefined) {
    if (facts.aborted) return { category: 'aborted', message: 'the prober was stopped while the test ran' };
    if (facts.timedOut) {
      const seen = classifySuiteError({ message: 'the test did not finish' }, requests, step);
      if (seen.request !== undefined) return seen;
      return {
        category: 'timeout',
        message: `the suite did not finish within its deadline of ${facts.deadlineMs} ms (step ${step} was running)`,
      };
    }
    return {
      category: 'prober',
      message: `the Playwright process ended while the test ran: ${facts.exitProblem ?? 'no reason given'}`,
    };
  }
  if (end.status === 'skipped')
    return {
      category: 'prober',
      message:
        'the test was skipped (test.skip or test.fixme): as a journey it would check nothing; leave it out with grep',
    };
  if (end.status === 'interrupted')
    return facts.aborted
      ? { category: 'aborted', message: 'the prober was stopped while the test ran' }
      : {
          category: 'timeout',
          message: `the suite did not finish within its deadline of ${facts.deadlineMs} ms (step ${step} was running)`,
        };
  if (end.status === 'passed' && end.expectedStatus === 'failed')
    return { category: 'assertion', message: 'the test is marked test.fail() but passed' };
  return classifySuiteError(error ?? { message: `the test ${end.status}` }, requests, step);
}

export function deepestFailing(
  spans: readonly { begin: StepBegin; end: StepEnd | undefined; start: number }[],
  end: TestEnd | undefined,
) {
  // Stopped from outside (our deadline, Playwright's test timeout): where it was is the deepest test.step still
  // open, or ended by the stop; fixture teardowns that fail on the way out are not the cause.
  if (end === undefined || end.status === 'timedOut' || end.status === 'interrupted') {
    const open = spans.filter(
      (s) => s.begin.category === 'test.step' && (s.end === undefined || s.end.error !== undefined),
    );
    const deepest = [...open].sort((a, b) => b.begin.path.length - a.begin.path.length || b.start - a.start)[0];
    if (deepest !== undefined) return deepest;
  }
  const failed = spans.filter((s) => s.end?.error !== undefined);
  const steps = failed.filter((s) => s.begin.category === 'test.step');
  // Playwright marks every enclosing step with the error: the deepest, latest one is where it happened.
  const pick = (list: typeof failed) =>
    [...list].sort((a, b) => b.begin.path.length - a.begin.path.length || b.start - a.start)[0];
  if (steps.length > 0) return pick(steps);
  const other = failed.filter((s) => s.begin.category !== 'test.step');
  if (other.length > 0) return pick(other);
  return undefined;
}
