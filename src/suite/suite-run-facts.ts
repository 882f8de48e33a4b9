import type { SuiteEvent } from '../config/suite-events.js';
import type { SeenRequest } from './classify-suite-error.js';

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
