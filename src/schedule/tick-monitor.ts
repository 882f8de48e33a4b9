/**
 * Knows whether the scheduler is still ticking, for `/healthz`. Every tick node-cron reports (a run started, a
 * tick skipped for overlap, a tick missed after a stall) counts as a sign of life; a journey whose last sign is
 * older than two intervals plus a grace period means the scheduler has stalled (a blocked event loop, a lost timer).
 */
export class TickMonitor {
  private readonly journeys = new Map<string, { intervalMs: number; lastSeen: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly graceMs = 5_000,
  ) {}

  /** Registers a journey when its task starts; the start itself counts as the first sign of life. */
  watch(journey: string, intervalMs: number): void {
    this.journeys.set(journey, { intervalMs, lastSeen: this.now() });
  }

  tick(journey: string): void {
    const j = this.journeys.get(journey);
    if (j !== undefined) j.lastSeen = this.now();
  }

  /** Journeys that have not ticked for longer than 2 intervals + grace, with how late they are. */
  stalled(): { journey: string; silentMs: number }[] {
    const now = this.now();
    const out: { journey: string; silentMs: number }[] = [];
    for (const [journey, j] of this.journeys) {
      const silentMs = now - j.lastSeen;
      if (silentMs > 2 * j.intervalMs + this.graceMs) out.push({ journey, silentMs });
    }
    return out;
  }

  /** Seconds since each journey last ticked, for the health document. */
  snapshot(): Record<string, { intervalMs: number; silentMs: number }> {
    const now = this.now();
    return Object.fromEntries(
      [...this.journeys].map(([name, j]) => [name, { intervalMs: j.intervalMs, silentMs: now - j.lastSeen }]),
    );
  }
}
