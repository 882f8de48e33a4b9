/**
 * What the runner and the step adapters need of a signal: whether and why it aborted, and a listener. An
 * `AbortSignal` is one; so is a `Deadline`, which undici also accepts as a request's `signal` (an EventTarget-like).
 */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The source of a run that nobody can stop (the programmatic API called without a signal). */
export const NEVER_ABORTS: AbortSource = {
  aborted: false,
  reason: undefined,
  addEventListener: () => undefined,
  removeEventListener: () => undefined,
};

/**
 * Aborts when its parent does or when its time is up, released by `close()` when the work it bounds is over. What
 * `AbortSignal.any([parent, AbortSignal.timeout(ms)])` gives, without what that costs a prober that runs journeys
 * back to back: Node 20 keeps every `any` signal alive through weak references and a finalizer, every `timeout`
 * signal fires at its time even when the step ended long before, and every `AbortSignal` costs about 6 µs to make.
 * So the real `AbortSignal` (`signal`, what `ctx.signal` hands a probe) is made only when something asks for it;
 * the runner, undici, the WebSocket and the message queues listen to the deadline itself.
 *
 * `ref`: the timer keeps the process alive until the deadline, so a step awaiting a promise with nothing behind it
 * still ends as a timeout instead of Node exiting under it (code 13).
 */
export class Deadline implements AbortSource {
  aborted = false;
  reason: unknown = undefined;
  /** Set only when the time ran out: classification asks which of the two ended the work. */
  readonly timedOut = { aborted: false };
  private listeners: (() => void)[] = [];
  private controller: AbortController | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly unhook: () => void;

  constructor(parent: AbortSource, ms: number, options: { ref: boolean }) {
    const onParent = () => this.abort(parent.reason);
    this.timer = setTimeout(() => {
      if (this.aborted) return;
      this.timedOut.aborted = true;
      this.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, ms);
    if (!options.ref) this.timer.unref();
    if (parent.aborted) {
      this.abort(parent.reason);
      this.unhook = () => undefined;
    } else this.unhook = onAbortOf(parent, onParent);
  }

  /** An `AbortSignal` that follows this deadline: aborts with its reason when it aborts (or already has). */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Every listener is called once, as with `{ once: true }`: a deadline aborts at most once. */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /** Stops the timer and unhooks the parent; the deadline never aborts after this. */
  close(): void {
    clearTimeout(this.timer);
    this.unhook();
  }

  private abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    // As AbortController.abort() without a reason.
    this.reason = reason ?? new DOMException('This operation was aborted', 'AbortError');
    this.controller?.abort(this.reason);
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) {
      try {
        listener();
      } catch (err) {
        // As an EventTarget does: one listener's throw reaches the process, the others still run.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}

/** The children listening to each shared parent that is not a Deadline (a run's or the daemon's AbortSignal). */
const fanOuts = new WeakMap<AbortSource, Set<() => void>>();

/**
 * Listens to `parent` until the returned unhook is called. Every journey of a run (500 in one `prober run`) hangs
 * its deadline on the run's one `AbortSignal`: one listener each there is what made Node print
 * `MaxListenersExceededWarning` (an EventTarget warns past 10), so a real signal gets one listener that fans out to
 * a set of children instead. A `Deadline` parent keeps a plain list and never warns, so it is listened to directly.
 */
function onAbortOf(parent: AbortSource, listener: () => void): () => void {
  if (parent instanceof Deadline) {
    parent.addEventListener('abort', listener);
    return () => parent.removeEventListener('abort', listener);
  }
  let children = fanOuts.get(parent);
  if (children === undefined) {
    const set = new Set<() => void>();
    children = set;
    fanOuts.set(parent, set);
    parent.addEventListener(
      'abort',
      () => {
        fanOuts.delete(parent);
        for (const child of [...set]) child();
      },
      { once: true },
    );
  }
  const set = children;
  set.add(listener);
  return () => set.delete(listener);
}
