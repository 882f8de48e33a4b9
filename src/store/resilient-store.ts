import type { RunResult } from '../journey/result-schema.js';
import { fleetFallbacks } from './fleet-fallbacks.js';
import { HeldWrites } from './held-writes.js';
import { asRecord } from './resilient-reads.js';
import { ResilientSideWrites } from './resilient-side-writes.js';
import type { JsonValue, OutboxChange, OutboxEntry, StateStore, StoreBatch } from './state-store.js';
import {
  describe,
  type ResilientStoreOptions,
  type StoreHealth,
  type StoreOperationName,
  withBusyWaits,
} from './store-faults.js';

export type { StoreHealth } from './store-faults.js';

/** How many committed run ids are remembered (a few minutes of runs of a large config). */
const RECENT_RUNS = 1_000;

/**
 * Storage faults never stop probing: this wraps any StateStore so that a write the store cannot take (disk full,
 * locked, read-only, deleted, corrupt) is held in memory, bounded, and written in order, once, when the store takes
 * writes again. Reads see what is held (the status page and the deliverer keep working). Nothing here throws out of
 * a write, and nothing waits on a lock synchronously: the inner store is given a short busy timeout and this retries
 * asynchronously. Health is reported for `/healthz`, the metrics and the prober's own alert.
 */
export class ResilientStore extends ResilientSideWrites implements StateStore {
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private closed = false;
  private readonly committedRuns = new Set<string>();

  /** Fleet stores only: present when the inner store has them (see fleetFallbacks). */
  readonly claimTick?: StateStore['claimTick'];
  readonly claimOutbox?: StateStore['claimOutbox'];
  readonly withAlertLocks?: StateStore['withAlertLocks'];
  readonly latestByLocation?: StateStore['latestByLocation'];

  constructor(
    inner: StateStore,
    private readonly options: ResilientStoreOptions,
  ) {
    super(inner, new HeldWrites(options.limits), options.onError);
    this.retryMs = this.retry.initialMs;
    const fleet = fleetFallbacks(
      inner,
      () => this.failure !== undefined,
      (err) => this.failed('read', err),
      (batch) => this.rememberRuns(batch),
    );
    this.claimTick = fleet.claimTick;
    this.claimOutbox = fleet.claimOutbox;
    this.withAlertLocks = fleet.withAlertLocks;
    if (inner.latestByLocation !== undefined) this.latestByLocation = () => inner.latestByLocation!();
  }

  private get retry(): { initialMs: number; maxMs: number } {
    return this.options.retry ?? { initialMs: 500, maxMs: 5_000 };
  }

  health(): StoreHealth {
    return {
      ok: this.failure === undefined,
      store: this.options.label,
      ...(this.failure === undefined ? {} : { error: this.failure.error, since: this.failure.since }),
      held: this.held.counts,
      dropped: this.held.dropped,
    };
  }

  /** Holds the batch and writes everything held, in order; resolves true when it is all in the store now. */
  commitOrHold(batch: StoreBatch): Promise<boolean> {
    if (onlyRuns(batch) && (batch.runs ?? []).every((r) => this.committedRuns.has(r.runId)))
      return Promise.resolve(true);
    for (const a of batch.alertStates ?? []) this.known.set(a.key, asRecord(a));
    const before = this.held.dropped;
    this.held.add(batch);
    if (this.held.dropped > before)
      this.options.log.error(
        { dropped: this.held.dropped - before, store: this.options.label },
        'store/held-dropped: the outage outlasted the memory bound; the oldest held runs were dropped',
      );
    // While failing, the retry timer owns the attempts: a new run must not pay for another doomed try.
    if (this.failure !== undefined) return Promise.resolve(false);
    return this.flush();
  }

  async commit(batch: StoreBatch): Promise<void> {
    await this.commitOrHold(batch);
  }

  async saveRun(result: RunResult): Promise<void> {
    await this.commitOrHold({ runs: [result] });
  }

  async putAlertState(key: string, state: JsonValue, enqueue: readonly OutboxEntry[] = []): Promise<void> {
    await this.commitOrHold({
      alertStates: [{ key, state, updatedAt: new Date().toISOString() }],
      outbox: enqueue.map((e) => ({ ...e, attempts: 0 })),
    });
  }

  /** Writes what is held now (the daemon's shutdown, a test); false when the store still refuses. */
  flush(): Promise<boolean> {
    const run = this.chain.then(() => this.flushOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * True when everything held at its start is in the store now. Writes added while it commits are not its
   * business: they are held until the flush chained after this one (their own caller's) writes them, so a run
   * finishing during another's commit is never reported as a failed write.
   */
  private async flushOnce(): Promise<boolean> {
    if (this.held.empty) return true;
    const batch = this.held.batch();
    try {
      await this.inner.check?.();
      await withBusyWaits(this.options.busyWaitsMs, () => this.inner.commit(batch));
    } catch (err) {
      this.failed('save', err);
      return false;
    }
    this.held.forget(batch);
    this.rememberRuns(batch);
    if (this.failure !== undefined) {
      this.recovered(batch);
      // Written while the recovery committed: nobody else would flush them now (callers only flush while healthy).
      if (!this.held.empty) void this.flush();
    }
    return true;
  }

  /** Run ids committed lately, so the store sink's write of a run the alerting already committed costs nothing. */
  private rememberRuns(batch: StoreBatch): void {
    for (const r of batch.runs ?? []) this.committedRuns.add(r.runId);
    for (const id of this.committedRuns) {
      if (this.committedRuns.size <= RECENT_RUNS) break;
      this.committedRuns.delete(id);
    }
  }

  protected failed(operation: StoreOperationName, err: unknown): void {
    this.options.onError?.(operation);
    const error = describe(err);
    if (this.failure === undefined) {
      this.failure = { error, since: new Date().toISOString() };
      this.options.log.error(
        { store: this.options.label, operation, err: error },
        'store/failing: results are held in memory and probing goes on',
      );
      this.options.onHealthChange?.(this.health());
    } else if (this.failure.error !== error) {
      this.failure.error = error;
    }
    this.scheduleRetry();
  }

  private recovered(batch: StoreBatch): void {
    const since = this.failure?.since;
    this.failure = undefined;
    this.retryMs = this.retry.initialMs;
    this.options.log.warn(
      {
        store: this.options.label,
        since,
        written: { runs: batch.runs?.length ?? 0, notifications: batch.outbox?.length ?? 0 },
      },
      'store/recovered: held results written',
    );
    this.options.onHealthChange?.(this.health());
  }

  private scheduleRetry(): void {
    if (this.timer !== undefined || this.closed) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retry.maxMs, this.retryMs * 2);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.retryNow();
    }, wait);
    this.timer.unref();
  }

  private async retryNow(): Promise<void> {
    if (this.closed) return;
    try {
      await this.inner.check?.();
    } catch (err) {
      try {
        await this.inner.repair?.();
        this.options.log.warn(
          { store: this.options.label, problem: describe(err) },
          'store/repaired: the store was recreated from the open handle',
        );
      } catch (repairErr) {
        this.failed('repair', repairErr);
        return;
      }
    }
    // Nothing held (a read failed, or the file check did): one empty commit proves the store takes writes again.
    if (this.held.empty) this.held.add({});
    const ok = this.held.empty ? await this.probeWrite() : await this.flush();
    if (!ok) this.scheduleRetry();
  }

  private async probeWrite(): Promise<boolean> {
    try {
      await this.inner.check?.();
      await withBusyWaits(this.options.busyWaitsMs, () => this.inner.commit({}));
    } catch (err) {
      this.failed('save', err);
      return false;
    }
    if (this.failure !== undefined) this.recovered({});
    return true;
  }

  /** Checks the store between writes (a deleted directory is otherwise only seen at the next run). */
  async watch(): Promise<void> {
    if (this.failure !== undefined) return;
    try {
      await this.inner.check?.();
    } catch (err) {
      this.failed('check', err);
    }
  }

  async updateOutbox(id: string, change: OutboxChange): Promise<void> {
    await this.recordOutbox(id, change);
  }

  /**
   * A delivery outcome, written before the caller says it was delivered: true once it is committed, false when it
   * is held in memory (the store is failing; a restart before the store recovers sends the row again, same id).
   * A row that is itself held (not in the store yet) takes the change and is committed with it; any other row is
   * updated directly, whatever else is held, so a healthy store never keeps an outcome in memory.
   */
  async recordOutbox(id: string, change: OutboxChange): Promise<boolean> {
    if (this.failure !== undefined) {
      this.held.update(id, change);
      return false;
    }
    if (this.held.holds(id)) {
      this.held.update(id, change);
      return this.flush();
    }
    try {
      await withBusyWaits(this.options.busyWaitsMs, () => this.inner.updateOutbox(id, change));
      return true;
    } catch (err) {
      this.held.update(id, change);
      this.failed('save', err);
      return false;
    }
  }

  async check(): Promise<void> {
    await this.inner.check?.();
  }

  /** A last attempt to write what is held, then closes the inner store; what could not be written is logged. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.held.empty) {
      // Rebuild only a store that failed its check (deleted); a full or locked one gets one more plain attempt.
      await this.inner
        .check?.()
        .catch(async () => this.inner.repair?.())
        .catch(() => undefined);
      this.failure = undefined;
      await this.flush();
    }
    if (!this.held.empty) {
      this.options.log.error(
        { store: this.options.label, held: this.held.counts, err: this.failure?.error },
        'store/held-lost: the store never took these writes back',
      );
    }
    await this.inner
      .close()
      .catch((err: unknown) =>
        this.options.log.warn({ store: this.options.label, err: describe(err) }, 'store/close-failed'),
      );
  }
}

function onlyRuns(batch: StoreBatch): boolean {
  return (
    (batch.runs?.length ?? 0) > 0 &&
    (batch.alertStates?.length ?? 0) === 0 &&
    (batch.outbox?.length ?? 0) === 0 &&
    (batch.outboxChanges?.length ?? 0) === 0
  );
}
