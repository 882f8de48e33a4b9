import type { Category } from './result-schema.js';

/**
 * A failure the probe has already categorised (a wrong status, a body that does not parse).
 * Recognised by `code`, never by `instanceof`: probes loaded through tsx may hold another copy of this module.
 */
export class StepFailure extends Error {
  readonly code = 'PROBER_STEP_FAILURE';
  readonly category: Category;
  readonly httpStatus: number | undefined;

  constructor(category: Category, message: string, options?: { httpStatus?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StepFailure';
    this.category = category;
    this.httpStatus = options?.httpStatus;
  }
}

/** Thrown by `ctx.skip()`: the step decided there is nothing to do (e.g. no session to close). */
export class StepSkipped extends Error {
  readonly code = 'PROBER_STEP_SKIPPED';
  constructor(reason: string) {
    super(reason);
    this.name = 'StepSkipped';
  }
}

export function isStepFailure(err: unknown): err is StepFailure {
  return hasCode(err, 'PROBER_STEP_FAILURE');
}

export function isStepSkipped(err: unknown): err is StepSkipped {
  return hasCode(err, 'PROBER_STEP_SKIPPED');
}

function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
