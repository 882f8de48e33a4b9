import { performance } from 'node:perf_hooks';
import { Deadline, type AbortSource } from '../journey/deadline-signal.js';
import { StepFailure } from '../journey/errors.js';
import type { WaitOptions } from '../journey/step-clients.js';

export type { WaitOptions } from '../journey/step-clients.js';

type Entry<T> = { value: T; at: number } | { error: Error };

interface Waiter<T> {
  offer(entry: Entry<T>, index: number): boolean;
  fail(reason: unknown): void;
}

/**
 * Incoming messages buffered from the moment a stream opens, so nothing that arrives between two steps is lost.
 * Each message keeps its arrival time (`performance.now()`), so latency is measured at arrival, not at inspection.
 *
 * Waits and what they see:
 * - The queue has one shared *consumed* mark. A wait first reads what is buffered from that mark on: every message
 *   not yet consumed is seen, including those that arrived before the wait started (a greeting sent before the step
 *   began).
 * - Then every message that arrives is offered, as it arrives, to every pending wait in the order the waits began.
 *   So concurrent waits each see every message from their start, in order, whatever the others match;
 *   `Promise.all` of waits finds every message in any arrival order, and `Promise.race` is won by the wait whose
 *   message arrived first. The loser keeps waiting until its own signal (the step's deadline by default).
 * - A wait that matches moves the consumed mark past its match (never back), so a later sequential wait starts
 *   after it. A malformed message fails every pending wait it is offered to, and is consumed like a match.
 */
export class MessageQueue<T> {
  private readonly entries: Entry<T>[] = [];
  private consumed = 0;
  private ended: Error | undefined;
  private readonly waiters = new Set<Waiter<T>>();

  get received(): readonly T[] {
    return this.entries.flatMap((e) => ('value' in e ? [e.value] : []));
  }

  push(value: T): void {
    this.offer({ value, at: performance.now() });
  }

  pushError(error: Error): void {
    this.offer({ error });
  }

  /** No more messages will come; pending and later waits fail with `reason` once the buffer is exhausted. */
  end(reason: Error): void {
    this.ended ??= reason;
    for (const waiter of [...this.waiters]) waiter.fail(reason);
  }

  waitFor(
    predicate: (message: T, receivedAt: number) => boolean,
    signal: AbortSource,
    options: WaitOptions = {},
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // A wait's own timeout, inside the step's: unreferenced, as AbortSignal.timeout's, and closed when it settles.
      const bound =
        options.timeoutMs === undefined ? undefined : new Deadline(signal, options.timeoutMs, { ref: false });
      const combined: AbortSource = bound ?? signal;
      const settle = () => {
        this.waiters.delete(waiter);
        combined.removeEventListener('abort', onAbort);
        bound?.close();
      };
      const waiter: Waiter<T> = {
        offer: (entry, index) => {
          try {
            if ('error' in entry) throw entry.error;
            if (!predicate(entry.value, entry.at)) return false;
            this.consumed = Math.max(this.consumed, index + 1);
            settle();
            resolve(entry.value);
          } catch (err) {
            this.consumed = Math.max(this.consumed, index + 1);
            settle();
            reject(err);
          }
          return true;
        },
        fail: (reason) => {
          settle();
          reject(reason);
        },
      };
      const onAbort = () =>
        waiter.fail(
          bound?.timedOut.aborted === true
            ? new StepFailure('timeout', `no ${options.describe ?? 'matching message'} within ${options.timeoutMs} ms`)
            : combined.reason,
        );
      for (let index = this.consumed; index < this.entries.length; index++) {
        if (waiter.offer(this.entries[index] as Entry<T>, index)) return;
      }
      if (this.ended !== undefined) return reject(this.ended);
      if (combined.aborted) return onAbort();
      this.waiters.add(waiter);
      combined.addEventListener('abort', onAbort, { once: true });
    });
  }

  private offer(entry: Entry<T>): void {
    const index = this.entries.push(entry) - 1;
    // A copy, in the order the waits began: a waiter that settles removes itself.
    for (const waiter of [...this.waiters]) waiter.offer(entry, index);
  }
}
