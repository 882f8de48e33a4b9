import type { ProbeScope } from './containment.js';

type StepFault = (message: string, thrown?: unknown) => void;

/**
 * Where the faults of one journey's code go (an unhandled rejection, a throw from a timer, process.exit): they end
 * its running step as a prober error; one arriving between steps is held and fails the next step, so it is never
 * lost.
 */
export class JourneyFaults {
  private step: StepFault | undefined;
  private pending: { message: string; thrown: unknown } | undefined;
  readonly probeScope: ProbeScope;

  constructor(journey: string) {
    this.probeScope = {
      owner: `journey ${journey}`,
      journey,
      fault: (message, thrown) => {
        if (this.step === undefined) this.pending ??= { message, thrown };
        else this.step(message, thrown);
      },
    };
  }

  /** The running step's fault handler, undefined once it ended; a fault held since the last step reaches it now. */
  readonly onFault = (fn: StepFault | undefined): void => {
    this.step = fn;
    if (fn !== undefined && this.pending !== undefined) fn(this.pending.message, this.pending.thrown);
    this.pending = undefined;
  };
}
