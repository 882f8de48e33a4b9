import type { JourneyResources, StepScope } from './step-ports.js';

/**
 * What one journey run holds past the step that opened it (a chat WebSocket, a deferred cleanup), and the step
 * running now, so a wait on an older connection obeys the current step's deadline. Closed together when the journey
 * ends, newest first.
 */
export class OpenResources {
  private readonly closers: (() => Promise<void> | void)[] = [];
  private running: StepScope | undefined;

  readonly resources: JourneyResources = {
    onClose: (fn) => this.closers.push(fn),
    current: () => {
      if (this.running === undefined) throw new Error('no step is running');
      return this.running;
    },
  };

  readonly setCurrent = (scope: StepScope): void => {
    this.running = scope;
  };

  /** Runs each closer registered so far once; a closer that throws or rejects leaves the others to run. */
  closeAll(): Promise<PromiseSettledResult<void>[]> {
    return Promise.allSettled(
      this.closers
        .splice(0)
        .reverse()
        .map(async (close) => close()),
    );
  }
}
