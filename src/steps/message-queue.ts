import { performance } from 'node:perf_hooks';
import { StepFailure } from '../journey/errors.js';
import type { WaitOptions } from '../journey/step-clients.js';

export type { WaitOptions } from '../journey/step-clients.js';

type Entry<T> = { value: T; at: number } | { error: Error };

/**
 * Incoming messages buffered from the moment a stream opens, so nothing that arrives between two steps is lost.
 * Each message keeps its arrival time (`performance.now()`), so latency is measured at arrival, not at inspection.
 *
 * Waits and what they see:
 * - The queue has one shared *consumed* mark. A wait starts reading at that mark: every message not yet consumed
 *   is seen, including those that arrived before the wait started (a greeting sent before the step began).
 * - Each wait then reads on with its own cursor, so concurrent waits each see every message from their start, in
 *   order, whatever the others match: `Promise.all` of two waits finds both messages in either arrival order, and
 *   in `Promise.race` the loser keeps its own view (it ends at its signal, the step's deadline by default).
 * - A wait that matches moves the consumed mark past its match (never back), so a later sequential wait starts
 *   after it. A malformed message fails every wait that reaches it, and is consumed like a match.
 */
export class MessageQueue<T> {
  private readonly entries: Entry<T>[] = [];
  private consumed = 0;
  private ended: Error | undefined;
  private readonly waiters = new Set<() => void>();

  get received(): readonly T[] {
    return this.entries.flatMap((e) => ('value' in e ? [e.value] : []));
  }

  push(value: T): void {
    this.entries.push({ value, at: performance.now() });
    this.wakeAll();
  }

  pushError(error: Error): void {
    this.entries.push({ error });
    this.wakeAll();
  }

  /** No more messages will come; pending and later waits fail with `reason` once the buffer is exhausted. */
  end(reason: Error): void {
    this.ended ??= reason;
    this.wakeAll();
  }

  async waitFor(predicate: (message: T, receivedAt: number) => boolean, signal: AbortSignal, options: WaitOptions = {}): Promise<T> {
    const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const combined = timeout === undefined ? signal : AbortSignal.any([signal, timeout]);
    let cursor = this.consumed;
    for (;;) {
      while (cursor < this.entries.length) {
        const index = cursor++;
        const entry = this.entries[index] as Entry<T>;
        if ('error' in entry) {
          this.consume(index);
          throw entry.error;
        }
        if (predicate(entry.value, entry.at)) {
          this.consume(index);
          return entry.value;
        }
      }
      if (this.ended !== undefined) throw this.ended;
      if (timeout?.aborted === true && !signal.aborted) {
        throw new StepFailure('timeout', `no ${options.describe ?? 'matching message'} within ${options.timeoutMs} ms`);
      }
      if (combined.aborted) throw combined.reason;
      await new Promise<void>((resolve) => {
        const done = () => {
          combined.removeEventListener('abort', done);
          this.waiters.delete(done);
          resolve();
        };
        this.waiters.add(done);
        combined.addEventListener('abort', done, { once: true });
      });
    }
  }

  private consume(index: number): void {
    this.consumed = Math.max(this.consumed, index + 1);
  }

  private wakeAll(): void {
    // A copy: each waiter removes itself while we iterate.
    for (const wake of [...this.waiters]) wake();
  }
}
