/**
 * A signal that aborts when its parent does or when its time is up, released by `close()` when the work it bounds
 * is over. What `AbortSignal.any([parent, AbortSignal.timeout(ms)])` gives, without what that costs a prober that
 * runs journeys back to back: Node 20 keeps every `any` signal alive through weak references and a finalizer, and
 * every `timeout` signal fires at its time even when the step ended long before, making its TimeoutError then.
 */
export interface DeadlineSignal {
  /** Aborts with the parent's reason, or with a `TimeoutError` DOMException (as `AbortSignal.timeout`) at `ms`. */
  readonly signal: AbortSignal;
  /** Set only when the time ran out: classification asks which of the two ended the work. */
  readonly timedOut: { readonly aborted: boolean };
  /** Stops the timer and unhooks the parent; the signal never aborts after this. */
  close(): void;
}

/**
 * `ref`: the timer keeps the process alive until the deadline, so a step awaiting a promise with nothing behind it
 * still ends as a timeout instead of Node exiting under it (code 13).
 */
export function deadlineSignal(parent: AbortSignal, ms: number, options: { ref: boolean }): DeadlineSignal {
  const combined = new AbortController();
  // A flag, not a second AbortController: each signal costs Node an EventTarget, and nothing listens to this one.
  const timedOut = { aborted: false };
  const onParent = () => combined.abort(parent.reason);
  const timer = setTimeout(() => {
    timedOut.aborted = true;
    combined.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, ms);
  if (!options.ref) timer.unref();
  if (parent.aborted) combined.abort(parent.reason);
  else parent.addEventListener('abort', onParent, { once: true });
  return {
    signal: combined.signal,
    timedOut,
    close: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}
