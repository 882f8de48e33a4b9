import type { RunResult } from '../journey/result-schema.js';
import type {
  AlertStateRecord,
  InFlightRun,
  JsonValue,
  OutboxChange,
  OutboxEntry,
  OutboxQuery,
  OutboxRecord,
  RetentionPolicy,
  RunQuery,
  StateStore,
  StoreBatch,
  UptimeCounts,
} from './state-store.js';

/** Attempts to open are at most this frequent: a status page polled every second must not hammer the file. */
const MIN_RETRY_MS = 1_000;

/**
 * A store that could not be opened at start (read-only, corrupt, a directory, a newer schema, locked), standing in
 * for it: every call tries the open again (at most once a second). While it fails, writes and `check` throw the
 * reason and reads answer as an empty store does. Wrapped in ResilientStore, that is a store that fails later:
 * runs are held in memory, `/healthz` answers 503, and the `prober:` alert fires (an alert state that cannot be read
 * would stop the alerting; the store's own is unknown until it opens), and what is held is written once it opens.
 */
export class DeferredOpenStore implements StateStore {
  private inner: StateStore | undefined;
  private opening: Promise<StateStore> | undefined;
  private lastFailure: { at: number; error: Error };

  constructor(
    private readonly open: () => Promise<StateStore>,
    firstError: Error,
    private readonly now: () => number = Date.now,
  ) {
    this.lastFailure = { at: now(), error: firstError };
  }

  /** True once the store opened: from then on every call goes straight to it. */
  get opened(): boolean {
    return this.inner !== undefined;
  }

  private ready(): Promise<StateStore> {
    if (this.inner !== undefined) return Promise.resolve(this.inner);
    if (this.opening !== undefined) return this.opening;
    if (this.now() - this.lastFailure.at < MIN_RETRY_MS) return Promise.reject(this.lastFailure.error);
    this.opening = this.open().then(
      (store) => {
        this.inner = store;
        this.opening = undefined;
        return store;
      },
      (err: unknown) => {
        this.lastFailure = { at: this.now(), error: err instanceof Error ? err : new Error(String(err)) };
        this.opening = undefined;
        throw this.lastFailure.error;
      },
    );
    return this.opening;
  }

  /** A read before the store could be opened answers as an empty store does. */
  private async read<T>(empty: T, work: (store: StateStore) => Promise<T>): Promise<T> {
    let store: StateStore;
    try {
      store = await this.ready();
    } catch {
      return empty;
    }
    return work(store);
  }

  async saveRun(result: RunResult): Promise<void> {
    return (await this.ready()).saveRun(result);
  }
  async listRuns(query: RunQuery): Promise<RunResult[]> {
    return this.read([], (s) => s.listRuns(query));
  }
  async listJourneys(): Promise<string[]> {
    return this.read([], (s) => s.listJourneys());
  }
  async uptime(journey: string, since: Date): Promise<UptimeCounts> {
    return this.read({ up: 0, down: 0 }, (s) => s.uptime(journey, since));
  }
  async prune(policy: RetentionPolicy, now?: Date): Promise<number> {
    return (await this.ready()).prune(policy, now);
  }
  async markInFlight(marker: InFlightRun): Promise<void> {
    return (await this.ready()).markInFlight(marker);
  }
  async updateInFlight(runId: string, step: { name: string; service: string; timeoutMs: number }): Promise<void> {
    return (await this.ready()).updateInFlight(runId, step);
  }
  async takeInFlight(): Promise<InFlightRun[]> {
    return this.read([], (s) => s.takeInFlight());
  }
  async getAlertState(key: string): Promise<AlertStateRecord | undefined> {
    return this.read(undefined, (s) => s.getAlertState(key));
  }
  async listAlertStateKeys(prefix: string): Promise<string[]> {
    return this.read([], (s) => s.listAlertStateKeys(prefix));
  }
  async quarantineAlertState(key: string, reason: string): Promise<void> {
    return (await this.ready()).quarantineAlertState(key, reason);
  }
  async putAlertState(key: string, state: JsonValue, enqueue?: readonly OutboxEntry[]): Promise<void> {
    return (await this.ready()).putAlertState(key, state, enqueue);
  }
  async listOutbox(query: OutboxQuery): Promise<OutboxRecord[]> {
    return this.read([], (s) => s.listOutbox(query));
  }
  async updateOutbox(id: string, change: OutboxChange): Promise<void> {
    return (await this.ready()).updateOutbox(id, change);
  }
  async commit(batch: StoreBatch): Promise<void> {
    return (await this.ready()).commit(batch);
  }
  /** Fails while the store is not open, so ResilientStore counts it as failing from the start. */
  async check(): Promise<void> {
    await (await this.ready()).check?.();
  }
  /** ResilientStore's retry after a failed check: another attempt to open. */
  async repair(): Promise<void> {
    const store = await this.ready();
    await store.check?.().catch(async () => store.repair?.());
  }
  async close(): Promise<void> {
    await this.opening?.catch(() => undefined);
    await this.inner?.close();
  }
}
