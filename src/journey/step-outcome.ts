import { classifyFailure } from './classify-failure.js';
import type { StepDefinition } from './define.js';
import { isStepSkipped } from './errors.js';
import { judgeStepError, type ErrorMapper } from './map-error.js';
import type { StepResult } from './result-schema.js';
import type { OpenStep, StepDeadline } from './step-scope.js';
import type { StepIo } from './step-ports.js';
import type { WireSnapshot } from '../wire/socket-evidence.js';
import type { ReachabilityCheck } from './reachability.js';

/** The part of a step's result that says how it ended. */
export type StepOutcome = Pick<StepResult, 'status' | 'error' | 'skipReason'>;

/** A step body that returned: `pass`, or `degraded` when it took longer than its budget. */
export function passedOutcome(durationMs: number, budgetMs: number | undefined): StepOutcome {
  return { status: budgetMs !== undefined && durationMs > budgetMs ? 'degraded' : 'pass' };
}

/** What the classification of a thrown error reads besides the error itself. */
export interface ThrownContext {
  step: OpenStep;
  io: StepIo;
  /** Which deadline could have fired: the journey's own timeout, or the outside cancellation. */
  deadline: Pick<StepDeadline, 'journeyTimeout' | 'outer'>;
  journeyMapError: ErrorMapper | undefined;
  targets: Readonly<Record<string, string>>;
  /** What the step did on the wire, when observed (wire owner's hook: src/wire). */
  wire?: WireSnapshot | undefined;
  /** Checks the step's service for an error nothing else explains (assemble's hook: journey/reachability.ts). */
  reach?: ReachabilityCheck | undefined;
}

/**
 * A step body that threw: skipped on `ctx.skip`, otherwise the step kind's explanation, the probe's mappers and
 * `classifyFailure` name the category. A deadline or an abort wins over whatever error it caused.
 */
export async function thrownOutcome(s: StepDefinition, err: unknown, c: ThrownContext): Promise<StepOutcome> {
  if (isStepSkipped(err)) return { status: 'skipped', skipReason: err.message };
  // Read before the step kind explains the error: its explanation must not turn a late error into a timeout.
  const deadlineExceeded = c.step.stepTimeout.aborted || c.deadline.journeyTimeout?.aborted === true;
  const aborted = c.deadline.outer.aborted;
  const explained =
    deadlineExceeded || aborted
      ? err
      : await judgeStepError(c.io.explainFailure === undefined ? err : await c.io.explainFailure(err), {
          mappers: [s.mapError, c.journeyMapError],
          serviceUrl: c.targets[s.service],
          service: s.service,
          wire: c.wire,
          reach: c.reach,
        });
  const f = classifyFailure(explained, { deadlineExceeded, aborted, timeoutMs: c.step.effectiveTimeoutMs });
  return {
    status: f.status,
    error: {
      category: f.category,
      message: f.message,
      ...(f.httpStatus === undefined ? {} : { httpStatus: f.httpStatus }),
    },
  };
}
