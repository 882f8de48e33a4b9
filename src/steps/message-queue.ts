import { performance } from 'node:perf_hooks';
import { Deadline, type AbortSource } from '../journey/deadline-signal.js';
import { StepFailure } from '../journey/errors.js';
import type { WaitOptions } from '../journey/step-clients.js';

export type { WaitOptions } from '../journey/step-clients.js';

type Entry<T> = { value: T; at: number } | { error: Error };

/** At most this many messages are held per connection or stream, whatever the server sends. */
export const MAX_QUEUED_MESSAGES = 10_000;

/**
 * What one queue may hold. A server that floods frames while the awaited message never comes must not grow the
 * prober's memory until the deadline (the 429 MB in 15 s): past either limit the queue stops buffering,
 * every wait fails as `contract` naming the limit, and `onOverflow` cuts the source so nothing more is read.
 */
export interface QueueLimits {
  /** What is queued, for the failure message: `WebSocket connection`, `event stream`. */
  what: string;
  /** @defaultValue MAX_QUEUED_MESSAGES */
  maxMessages?: number;
  /** Sum of the messages' wire sizes. */
  maxBytes: number;
  onOverflow?: () => void;
}

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
  private bytes = 0;

  constructor(private readonly limits?: QueueLimits) {}

  get received(): readonly T[] {
    return this.entries.flatMap((e) => ('value' in e ? [e.value] : []));
  }

  /** `bytes`: the message's size on the wire, counted against `limits.maxBytes`. */
  push(value: T, bytes = 0): void {
    if (this.ended !== undefined) return; // nothing is buffered after the end (an overflow, a close)
    this.bytes += bytes;
    const overflow =
      this.limits === undefined ? undefined : overflowFailure(this.limits, this.entries.length + 1, this.bytes);
    if (overflow !== undefined) {
      this.end(overflow);
      this.limits?.onOverflow?.();
      return;
    }
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

/** The `contract` failure of a queue past one of its limits, naming the limit; undefined while within both. */
export function overflowFailure(limits: QueueLimits, messages: number, bytes: number): StepFailure | undefined {
  const maxMessages = limits.maxMessages ?? MAX_QUEUED_MESSAGES;
  if (messages > maxMessages) {
    return new StepFailure(
      'contract',
      `the ${limits.what} sent more than ${maxMessages} messages without the awaited one (the per-connection limit of ${maxMessages} queued messages)`,
    );
  }
  if (bytes > limits.maxBytes) {
    return new StepFailure(
      'contract',
      `the ${limits.what} sent more than ${limits.maxBytes} bytes of messages without the awaited one (the per-connection limit of ${limits.maxBytes} queued bytes, http.maxBodyBytes)`,
    );
  }
  return undefined;
}
