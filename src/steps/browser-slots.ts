import { performance } from 'node:perf_hooks';

/**
 * A counting semaphore for browser contexts: `acquire` resolves (with how long it waited) once fewer than `limit`
 * are held, in arrival order. Waiting runs are not bounded here: the scheduler's `noOverlap` already keeps at most
 * one run per journey, so the queue is at most the number of browser journeys.
 */
export class ContextSlots {
  private held = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly limit: number) {}

  get waiting(): number {
    return this.queue.length;
  }

  async acquire(): Promise<number> {
    if (this.held < this.limit) {
      this.held++;
      return 0;
    }
    const t0 = performance.now();
    await new Promise<void>((resolve) => this.queue.push(resolve));
    return performance.now() - t0;
  }

  /** Hands the slot to the next waiting run, or frees it. */
  release(): void {
    const next = this.queue.shift();
    if (next !== undefined) next();
    else this.held = Math.max(0, this.held - 1);
  }
}
