import { performance } from 'node:perf_hooks';
import { StepFailure } from '../journey/errors.js';
import type { WaitOptions } from '../journey/step-clients.js';

export type { WaitOptions } from '../journey/step-clients.js';

type Entry<T> = { value: T; at: number } | { error: Error };

/**
 * Incoming messages buffered from the moment a stream opens, so nothing that arrives between two steps is lost.
 * Each message keeps its arrival time (`performance.now()`), so latency is measured at arrival, not at inspection.
 * `waitFor` consumes up to and including the first match; a malformed message fails the wait when it is reached.
 */
export class MessageQueue<T> {
  private readonly entries: Entry<T>[] = [];
  private cursor = 0;
  private ended: Error | undefined;
  private wake: (() => void) | undefined;

  get received(): readonly T[] {
    return this.entries.flatMap((e) => ('value' in e ? [e.value] : []));
  }

  push(value: T): void {
    this.entries.push({ value, at: performance.now() });
    this.wake?.();
  }

  pushError(error: Error): void {
    this.entries.push({ error });
    this.wake?.();
  }

  /** No more messages will come; pending and later waits fail with `reason` once the buffer is exhausted. */
  end(reason: Error): void {
    this.ended ??= reason;
    this.wake?.();
  }

  async waitFor(predicate: (message: T, receivedAt: number) => boolean, signal: AbortSignal, options: WaitOptions = {}): Promise<T> {
    const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const combined = timeout === undefined ? signal : AbortSignal.any([signal, timeout]);
    for (;;) {
      while (this.cursor < this.entries.length) {
        const entry = this.entries[this.cursor++] as Entry<T>;
        if ('error' in entry) throw entry.error;
        if (predicate(entry.value, entry.at)) return entry.value;
      }
      if (this.ended !== undefined) throw this.ended;
      if (timeout?.aborted === true && !signal.aborted) {
        throw new StepFailure('timeout', `no ${options.describe ?? 'matching message'} within ${options.timeoutMs} ms`);
      }
      if (combined.aborted) throw combined.reason;
      await new Promise<void>((resolve) => {
        const done = () => {
          combined.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        this.wake = done;
        combined.addEventListener('abort', done, { once: true });
      });
    }
  }
}
