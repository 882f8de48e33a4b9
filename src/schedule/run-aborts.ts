/**
 * One AbortController per scheduled run, all aborted together at shutdown. The daemon must not hand one long-lived
 * shutdown signal to every run: the runner combines it with `AbortSignal.any` per journey and per step, and a
 * long-lived input signal keeps every combined signal alive (nodejs/node#55351), which the soak bench showed as
 * RSS growing with the number of runs.
 */
export class RunAborts {
  private readonly live = new Set<AbortController>();
  private reason: unknown;
  private stopped = false;

  get aborted(): boolean {
    return this.stopped;
  }

  /** A signal for one run; call `end()` when the run is over so the controller can be collected. */
  begin(): { signal: AbortSignal; end: () => void } {
    const controller = new AbortController();
    if (this.stopped) controller.abort(this.reason);
    this.live.add(controller);
    return { signal: controller.signal, end: () => this.live.delete(controller) };
  }

  /** Shutdown: every in-flight run ends its steps as `aborted` (cleanup steps still run, bounded). */
  abortAll(reason: unknown): void {
    this.stopped = true;
    this.reason = reason;
    for (const c of this.live) c.abort(reason);
  }

  /** Runs still holding a signal, for tests and the shutdown log. */
  get size(): number {
    return this.live.size;
  }
}
