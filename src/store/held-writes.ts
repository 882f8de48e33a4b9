import type { RunResult } from '../journey/result-schema.js';
import type { AlertStateWrite, OutboxChange, OutboxRecord, StoreBatch } from './state-store.js';

/** Bounds on what is held in memory while the store cannot be written. */
export interface HoldLimits {
  /** Oldest runs are dropped beyond this (each drop is logged): probing must go on for days of outage. */
  maxRuns: number;
  /** Delivered or dead rows are dropped first, then the oldest pending ones. */
  maxOutbox: number;
}

export const DEFAULT_HOLD_LIMITS: HoldLimits = { maxRuns: 2_000, maxOutbox: 2_000 };

/**
 * Writes the store could not take, kept in arrival order until it can: runs in order, the latest state per alert
 * key (older ones are superseded), outbox rows with their current delivery status (they are delivered from here
 * meanwhile), and changes to rows that were already stored. `batch()` is what one retry commits, atomically.
 */
export class HeldWrites {
  private runs: RunResult[] = [];
  private readonly alertStates = new Map<string, AlertStateWrite>();
  private readonly outbox = new Map<string, OutboxRecord>();
  private readonly changes = new Map<string, OutboxChange>();
  /** Runs dropped because the bound was reached, since the store last recovered. */
  dropped = 0;

  constructor(private readonly limits: HoldLimits = DEFAULT_HOLD_LIMITS) {}

  get empty(): boolean {
    return this.runs.length === 0 && this.alertStates.size === 0 && this.outbox.size === 0 && this.changes.size === 0;
  }

  get counts(): { runs: number; alertStates: number; notifications: number } {
    return { runs: this.runs.length, alertStates: this.alertStates.size, notifications: this.outbox.size };
  }

  add(batch: StoreBatch): void {
    for (const r of batch.runs ?? []) if (!this.runs.some((x) => x.runId === r.runId)) this.runs.push(r);
    if (this.runs.length > this.limits.maxRuns) {
      const excess = this.runs.length - this.limits.maxRuns;
      this.runs = this.runs.slice(excess);
      this.dropped += excess;
    }
    for (const a of batch.alertStates ?? []) this.alertStates.set(a.key, a);
    for (const o of batch.outbox ?? []) this.outbox.set(o.id, { ...o });
    for (const { id, change } of batch.outboxChanges ?? []) this.update(id, change);
    this.boundOutbox();
  }

  /** The row, or a change to it, is held (an outcome for it must go through here to keep its order). */
  holds(id: string): boolean {
    return this.outbox.has(id) || this.changes.has(id);
  }

  /** Applies a delivery outcome: to the held row when it is held, else remembered for the stored row. */
  update(id: string, change: OutboxChange): void {
    const held = this.outbox.get(id);
    if (held !== undefined) Object.assign(held, change);
    else this.changes.set(id, { ...change });
  }

  /** Everything held, as one batch (runs in arrival order). */
  batch(): StoreBatch {
    return {
      runs: [...this.runs],
      alertStates: [...this.alertStates.values()],
      outbox: [...this.outbox.values()].map((o) => ({ ...o })),
      outboxChanges: [...this.changes].map(([id, change]) => ({ id, change: { ...change } })),
    };
  }

  /** After `batch()` was committed: forgets exactly what it contained (later additions stay held). */
  forget(committed: StoreBatch): void {
    const runIds = new Set((committed.runs ?? []).map((r) => r.runId));
    this.runs = this.runs.filter((r) => !runIds.has(r.runId));
    // By identity: a newer state for the key (even within the same millisecond) stays held.
    for (const a of committed.alertStates ?? []) if (this.alertStates.get(a.key) === a) this.alertStates.delete(a.key);
    for (const o of committed.outbox ?? []) {
      const now = this.outbox.get(o.id);
      // Delivered meanwhile (during the commit)? Keep the newer status as a change to the now-stored row.
      if (now !== undefined && sameStatus(now, o)) this.outbox.delete(o.id);
      else if (now !== undefined) {
        this.outbox.delete(o.id);
        this.changes.set(o.id, statusOf(now));
      }
    }
    for (const { id, change } of committed.outboxChanges ?? [])
      if (sameStatus(this.changes.get(id), change)) this.changes.delete(id);
    if (this.empty) this.dropped = 0;
  }

  alertState(key: string): AlertStateWrite | undefined {
    return this.alertStates.get(key);
  }

  heldRuns(): readonly RunResult[] {
    return this.runs;
  }

  heldOutbox(): readonly OutboxRecord[] {
    return [...this.outbox.values()];
  }

  changeFor(id: string): OutboxChange | undefined {
    return this.changes.get(id);
  }

  private boundOutbox(): void {
    let excess = this.outbox.size - this.limits.maxOutbox;
    if (excess <= 0) return;
    const order = [...this.outbox.values()].sort((a, b) => Number(isPending(a)) - Number(isPending(b)));
    for (const o of order) {
      if (excess-- <= 0) break;
      this.outbox.delete(o.id);
    }
  }
}

function isPending(o: Pick<OutboxRecord, 'deliveredMs' | 'deadReason'>): boolean {
  return o.deliveredMs === undefined && o.deadReason === undefined;
}

function statusOf(o: OutboxChange): OutboxChange {
  return {
    attempts: o.attempts,
    nextAttemptMs: o.nextAttemptMs,
    deliveredMs: o.deliveredMs,
    deadReason: o.deadReason,
    lastError: o.lastError,
  };
}

function sameStatus(a: OutboxChange | undefined, b: OutboxChange): boolean {
  return a !== undefined && JSON.stringify(statusOf(a)) === JSON.stringify(statusOf(b));
}
