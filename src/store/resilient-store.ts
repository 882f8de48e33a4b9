import { setTimeout as delay } from 'node:timers/promises';
import type { RunResult } from '../journey/result-schema.js';
import type { Logger } from '../log.js';
import { HeldWrites, type HoldLimits } from './held-writes.js';
import type {
  AlertStateRecord,
  AlertStateWrite,
  InFlightRun,
  JsonValue,
  OutboxChange,
  OutboxEntry,
  OutboxQuery,
  OutboxRecord,
  RetentionPolicy,
  RunQuery,
  RunStore,
  StoreBatch,
  UptimeCounts,
} from './run-store.js';

/** What `/healthz`, the metrics and the `prober:` alert know about the store. */
export interface StoreHealth {
  ok: boolean;
  /** Where the store is (a file path, a database URL without credentials). */
  store: string;
  error?: string | undefined;
  since?: string | undefined;
  held: { runs: number; alertStates: number; notifications: number };
  /** Runs dropped from memory because the outage outlasted the bound. */
  dropped: number;
}

export interface ResilientStoreOptions {
  label: string;
  log: Logger;
  /** Every failed store operation (`prober_store_errors_total{operation}`). */
  onError?: (operation: StoreOperationName) => void;
  onHealthChange?: (health: StoreHealth) => void;
  /** Backoff between attempts to write what is held. @defaultValue 500 ms doubling to 5 s */
  retry?: { initialMs: number; maxMs: number };
  /** Asynchronous waits before a locked store counts as failing (the synchronous busy timeout stays a few ms). */
  busyWaitsMs?: readonly number[];
  limits?: HoldLimits;
}

/** The `operation` label values: the names the metrics pre-initialise. */
export type StoreOperationName = 'save' | 'in_flight' | 'prune' | 'read' | 'check' | 'repair';

const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED']);

/**
 * Storage faults never stop probing: this wraps any RunStore so that a write the store cannot take (disk full,
 * locked, read-only, deleted, corrupt) is held in memory, bounded, and written in order, once, when the store takes
 * writes again. Reads see what is held (the status page and the deliverer keep working). Nothing here throws out of
 * a write, and nothing waits on a lock synchronously: the inner store is given a short busy timeout and this retries
 * asynchronously. Health is reported for `/healthz`, the metrics and the prober's own alert.
 */
export class ResilientStore implements RunStore {
  private readonly held: HeldWrites;
  private readonly known = new Map<string, AlertStateRecord>();
  private failure: { error: string; since: string } | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private closed = false;

  /** Fleet stores only: present when the inner store has them. A store that cannot answer lets this replica run. */
  readonly claimTick?: RunStore['claimTick'];
  readonly claimOutbox?: RunStore['claimOutbox'];
  readonly exclusive?: RunStore['exclusive'];

  constructor(
    readonly inner: RunStore,
    private readonly options: ResilientStoreOptions,
  ) {
    this.held = new HeldWrites(options.limits);
    this.retryMs = this.retry.initialMs;
    const { claimTick, claimOutbox, exclusive } = inner;
    // A lock the store cannot give (it is failing) must not stop alerting: the work runs unlocked.
    if (exclusive !== undefined) {
      this.exclusive = <T>(name: string, work: () => Promise<T>) =>
        this.failure === undefined ? exclusive.call(inner, name, work) as Promise<T> : work();
    }
    if (claimTick !== undefined) {
      this.claimTick = (tick) =>
        claimTick.call(inner, tick).catch((err: unknown) => {
          this.failed('read', err);
          return true;
        });
    }
    if (claimOutbox !== undefined) {
      this.claimOutbox = (id, leaseMs) =>
        claimOutbox.call(inner, id, leaseMs).catch((err: unknown) => {
          this.failed('read', err);
          return true;
        });
    }
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
    for (const a of batch.alertStates ?? []) this.known.set(a.key, asRecord(a));
    const before = this.held.dropped;
    this.held.add(batch);
    if (this.held.dropped > before) this.options.log.error({ dropped: this.held.dropped - before, store: this.options.label }, 'store/held-dropped: the outage outlasted the memory bound; the oldest held runs were dropped');
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
    await this.commitOrHold({ alertStates: [{ key, state, updatedAt: new Date().toISOString() }], outbox: enqueue.map((e) => ({ ...e, attempts: 0 })) });
  }

  /** Writes what is held now (the daemon's shutdown, a test); false when the store still refuses. */
  flush(): Promise<boolean> {
    const run = this.chain.then(() => this.flushOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async flushOnce(): Promise<boolean> {
    if (this.held.empty) return true;
    const batch = this.held.batch();
    try {
      await this.inner.check?.();
      await this.withBusyWaits(() => this.inner.commit(batch));
    } catch (err) {
      this.failed('save', err);
      return false;
    }
    this.held.forget(batch);
    if (this.failure !== undefined && this.held.empty) this.recovered(batch);
    return this.held.empty;
  }

  private async withBusyWaits(write: () => Promise<void>): Promise<void> {
    for (const wait of [...(this.options.busyWaitsMs ?? [25, 50, 100, 200]), undefined]) {
      try {
        return await write();
      } catch (err) {
        if (wait === undefined || !BUSY.has(String((err as { code?: unknown }).code))) throw err;
        await delay(wait);
      }
    }
  }

  private failed(operation: StoreOperationName, err: unknown): void {
    this.options.onError?.(operation);
    const error = describe(err);
    if (this.failure === undefined) {
      this.failure = { error, since: new Date().toISOString() };
      this.options.log.error({ store: this.options.label, operation, err: error }, 'store/failing: results are held in memory and probing goes on');
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
    this.options.log.warn({ store: this.options.label, since, written: { runs: batch.runs?.length ?? 0, notifications: batch.outbox?.length ?? 0 } }, 'store/recovered: held results written');
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
        this.options.log.warn({ store: this.options.label, problem: describe(err) }, 'store/repaired: the store was recreated from the open handle');
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
      await this.withBusyWaits(() => this.inner.commit({}));
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

  async getAlertState(key: string): Promise<AlertStateRecord | undefined> {
    const held = this.held.alertState(key);
    if (held !== undefined) return asRecord(held);
    try {
      const stored = await this.inner.getAlertState(key);
      if (stored !== undefined) this.known.set(key, stored);
      return stored;
    } catch (err) {
      this.options.onError?.('read');
      const known = this.known.get(key);
      if (known !== undefined) return known;
      throw err;
    }
  }

  async listAlertStateKeys(prefix: string): Promise<string[]> {
    const stored = await this.read(() => this.inner.listAlertStateKeys(prefix), [] as string[]);
    const held = [...this.known.keys()].filter((k) => k.startsWith(prefix));
    return [...new Set([...stored, ...held])].sort();
  }

  /** Best effort: the unreadable state is logged by the caller either way, and the alert starts afresh. */
  async quarantineAlertState(key: string, reason: string): Promise<void> {
    this.known.delete(key);
    await this.inner.quarantineAlertState(key, reason).catch((err: unknown) => this.failed('save', err));
  }

  async listRuns(query: RunQuery): Promise<RunResult[]> {
    const stored = await this.read(() => this.inner.listRuns(query), []);
    const held = this.held.heldRuns().filter((r) => query.journey === undefined || r.journeys.some((j) => j.journey === query.journey));
    const seen = new Set(stored.map((r) => r.runId));
    const all = [...stored, ...held.filter((r) => !seen.has(r.runId))];
    return all.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt)).slice(0, Math.max(0, Math.floor(query.limit)));
  }

  async listJourneys(): Promise<string[]> {
    const stored = await this.read(() => this.inner.listJourneys(), []);
    return [...new Set([...stored, ...this.held.heldRuns().flatMap((r) => r.journeys.map((j) => j.journey))])].sort();
  }

  async uptime(journey: string, since: Date): Promise<UptimeCounts> {
    const counts = await this.read(() => this.inner.uptime(journey, since), { up: 0, down: 0 });
    for (const r of this.held.heldRuns()) {
      for (const j of r.journeys) {
        if (j.journey !== journey || Date.parse(j.startedAt) < since.getTime()) continue;
        if (j.status === 'fail') counts.down++;
        else if (j.status !== 'error') counts.up++;
      }
    }
    return counts;
  }

  async prune(policy: RetentionPolicy, now?: Date): Promise<number> {
    if (this.failure !== undefined) return 0;
    try {
      return await this.inner.prune(policy, now);
    } catch (err) {
      this.failed('prune', err);
      return 0;
    }
  }

  async markInFlight(marker: InFlightRun): Promise<void> {
    // Markers only matter if this process dies; while the store fails they cannot be written anyway.
    if (this.failure !== undefined) return;
    await this.inner.markInFlight(marker).catch((err: unknown) => this.failed('in_flight', err));
  }

  async updateInFlight(runId: string, step: { name: string; service: string; timeoutMs: number }): Promise<void> {
    if (this.failure !== undefined) return;
    await this.inner.updateInFlight(runId, step).catch((err: unknown) => this.failed('in_flight', err));
  }

  async takeInFlight(): Promise<InFlightRun[]> {
    return this.inner.takeInFlight().catch((err: unknown) => {
      this.failed('in_flight', err);
      return [];
    });
  }

  async listOutbox(query: OutboxQuery): Promise<OutboxRecord[]> {
    if (this.held.empty && this.failure === undefined) return this.inner.listOutbox(query);
    // Held changes only move a row forward (pending → delivered or dead), so the stored rows of the same status,
    // with those changes applied and filtered again, plus the held rows, are the answer.
    const stored = await this.read(() => this.inner.listOutbox(query), []);
    const merged = [
      ...stored.map((r) => {
        const change = this.held.changeFor(r.id);
        return change === undefined ? r : { ...r, ...change };
      }),
      ...this.held.heldOutbox().filter((h) => !stored.some((r) => r.id === h.id)),
    ];
    return merged.filter((r) => matches(r, query.status)).slice(0, Math.max(0, Math.floor(query.limit)));
  }

  async updateOutbox(id: string, change: OutboxChange): Promise<void> {
    if (this.failure !== undefined || !this.held.empty) {
      this.held.update(id, change);
      return;
    }
    try {
      await this.withBusyWaits(() => this.inner.updateOutbox(id, change));
    } catch (err) {
      this.held.update(id, change);
      this.failed('save', err);
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
      await this.inner.check?.().catch(async () => this.inner.repair?.()).catch(() => undefined);
      this.failure = undefined;
      await this.flush();
    }
    if (!this.held.empty) {
      this.options.log.error({ store: this.options.label, held: this.held.counts, err: this.failure?.error }, 'store/held-lost: the store never took these writes back');
    }
    await this.inner.close().catch((err: unknown) => this.options.log.warn({ store: this.options.label, err: describe(err) }, 'store/close-failed'));
  }

  private async read<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch {
      this.options.onError?.('read');
      return fallback;
    }
  }
}

function matches(r: OutboxRecord, status: OutboxQuery['status']): boolean {
  switch (status) {
    case 'pending':
      return r.deliveredMs === undefined && r.deadReason === undefined;
    case 'delivered':
      return r.deliveredMs !== undefined;
    case 'dead':
      return r.deadReason !== undefined;
    case 'all':
      return true;
  }
}

/** `SQLITE_FULL: database or disk is full`: the code first, so a log search and the health document agree. */
export function describe(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.startsWith(code) ? `${code}: ${message}` : message;
}

function asRecord(a: AlertStateWrite): AlertStateRecord {
  return { key: a.key, raw: JSON.stringify(a.state), state: a.state, updatedAt: a.updatedAt };
}
