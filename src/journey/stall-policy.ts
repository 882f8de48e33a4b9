import type { Category, StepStatus } from './result-schema.js';

/**
 * The share of a step's time the prober may lose to its own stalls before a deadline that passed is no longer the
 * service's doing. A quarter: under load the box stalled ~130 ms of a 400 ms step (a third) while the target was
 * healthy, and a service that is really slow still times out on the retry, which stalls far less.
 */
export const STALL_SHARE = 0.25;
/** Stalls shorter than this are noise whatever the step's length (the clock counts heartbeats ≥ 10 ms late). */
export const MIN_STALL_MS = 10;

/** What judging a step that ended needs to know about it and the time around it. */
export interface StallFacts {
  status: StepStatus;
  category: Category | undefined;
  /** How long the prober's event loop was stalled during this attempt of the step. */
  stallMs: number;
  /** The attempt's duration. */
  stepMs: number;
  /** The journey's deadline passed (not only the step's own timeout). */
  journeyTimedOut: boolean;
  /** Stalled time and elapsed time of the whole journey so far. */
  journeyStallMs: number;
  journeyMs: number;
  /** What is left of the journey's deadline now. */
  remainingMs: number;
  /** The step's own timeout: a retry gets it whole, or it is no fair second try. */
  timeoutMs: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** A cleanup step: never run twice (it may delete what it created once). */
  cleanup: boolean;
}

export type StallDecision =
  | { action: 'keep' }
  | { action: 'retry'; note: string }
  | { action: 'prober'; message: string };

const ms = (n: number) => Math.round(n);

/**
 * Whether a step's verdict stands, given how long the prober itself was stalled while it ran. Only a deadline that
 * passed (`timeout`) is reconsidered: a refused connection or a wrong answer is the service's whatever the prober's
 * loop did. When the prober lost a significant share of the step's time (or, when the journey's deadline passed,
 * of the journey's), the step is run again if a whole step timeout is left and this was its first attempt;
 * otherwise it is the prober's error, never the service's failure. Pure, so it is tested as a table.
 */
export function judgeStall(f: StallFacts): StallDecision {
  if (f.status !== 'fail' || f.category !== 'timeout') return { action: 'keep' };
  const stepShare = f.stepMs > 0 ? f.stallMs / f.stepMs : 0;
  const stepStalled = f.stallMs >= MIN_STALL_MS && stepShare >= STALL_SHARE;
  const journeyShare = f.journeyMs > 0 ? f.journeyStallMs / f.journeyMs : 0;
  const journeyStalled = f.journeyTimedOut && f.journeyStallMs >= MIN_STALL_MS && journeyShare >= STALL_SHARE;
  if (!stepStalled && !journeyStalled) return { action: 'keep' };
  const what = stepStalled
    ? `the prober was stalled for ${ms(f.stallMs)} ms of this step's ${ms(f.stepMs)} ms`
    : `the prober was stalled for ${ms(f.journeyStallMs)} ms of this journey's ${ms(f.journeyMs)} ms`;
  if (f.attempt === 1 && !f.cleanup && !f.journeyTimedOut && f.remainingMs >= f.timeoutMs)
    return { action: 'retry', note: `retried: on its first attempt ${what}` };
  return { action: 'prober', message: `${what}, so its deadline says nothing about the service` };
}
