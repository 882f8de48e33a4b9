import type { RunResult } from '../journey/result-schema.js';
import type { HeldWrites } from './held-writes.js';
import type {
  AlertStateRecord,
  AlertStateWrite,
  OutboxQuery,
  OutboxRecord,
  RunQuery,
  StateStore,
  UptimeCounts,
} from './state-store.js';
import type { StoreOperationName } from './store-faults.js';

/**
 * The read side of ResilientStore: what the store answers, plus the writes it has not taken yet, so the status page
 * and the alert deliverer see every run and notification during an outage. A read that fails counts as a `read`
 * error and answers from memory; it never marks the store as failing (only writes do, in ResilientStore).
 */
export abstract class ResilientReads {
  protected readonly known = new Map<string, AlertStateRecord>();
  protected failure: { error: string; since: string } | undefined;

  constructor(
    readonly inner: StateStore,
    protected readonly held: HeldWrites,
    private readonly onError: ((operation: StoreOperationName) => void) | undefined,
  ) {}

  async getAlertState(key: string): Promise<AlertStateRecord | undefined> {
    const held = this.held.alertState(key);
    if (held !== undefined) return asRecord(held);
    try {
      const stored = await this.inner.getAlertState(key);
      if (stored !== undefined) this.known.set(key, stored);
      return stored;
    } catch (err) {
      this.onError?.('read');
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

  async listRuns(query: RunQuery): Promise<RunResult[]> {
    return withHeldRuns(await this.read(() => this.inner.listRuns(query), []), this.held, query);
  }

  async listJourneys(): Promise<string[]> {
    return withHeldJourneys(await this.read(() => this.inner.listJourneys(), []), this.held);
  }

  async uptime(journey: string, since: Date): Promise<UptimeCounts> {
    const counts = await this.read(() => this.inner.uptime(journey, since), { up: 0, down: 0 });
    return withHeldUptime(counts, this.held, journey, since);
  }

  async listOutbox(query: OutboxQuery): Promise<OutboxRecord[]> {
    if (this.held.empty && this.failure === undefined) return this.inner.listOutbox(query);
    return withHeldOutbox(await this.read(() => this.inner.listOutbox(query), []), this.held, query);
  }

  protected async read<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch {
      this.onError?.('read');
      return fallback;
    }
  }
}

/** The newest `query.limit` runs of the stored and the held ones, each run once. */
function withHeldRuns(stored: RunResult[], held: HeldWrites, query: RunQuery): RunResult[] {
  const heldRuns = held
    .heldRuns()
    .filter((r) => query.journey === undefined || r.journeys.some((j) => j.journey === query.journey));
  const seen = new Set(stored.map((r) => r.runId));
  const all = [...stored, ...heldRuns.filter((r) => !seen.has(r.runId))];
  return all
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
    .slice(0, Math.max(0, Math.floor(query.limit)));
}

function withHeldJourneys(stored: string[], held: HeldWrites): string[] {
  return [...new Set([...stored, ...held.heldRuns().flatMap((r) => r.journeys.map((j) => j.journey))])].sort();
}

/** Adds the held runs of `journey` since `since` to the stored counts (errors count as neither up nor down). */
function withHeldUptime(counts: UptimeCounts, held: HeldWrites, journey: string, since: Date): UptimeCounts {
  for (const r of held.heldRuns()) {
    for (const j of r.journeys) {
      if (j.journey !== journey || Date.parse(j.startedAt) < since.getTime()) continue;
      if (j.status === 'fail') counts.down++;
      else if (j.status !== 'error') counts.up++;
    }
  }
  return counts;
}

/**
 * Held changes only move a row forward (pending → delivered or dead), so the stored rows of the same status, with
 * those changes applied and filtered again, plus the held rows, are the answer.
 */
function withHeldOutbox(stored: OutboxRecord[], held: HeldWrites, query: OutboxQuery): OutboxRecord[] {
  const merged = [
    ...stored.map((r) => {
      const change = held.changeFor(r.id);
      return change === undefined ? r : { ...r, ...change };
    }),
    ...held.heldOutbox().filter((h) => !stored.some((r) => r.id === h.id)),
  ];
  return merged.filter((r) => matches(r, query.status)).slice(0, Math.max(0, Math.floor(query.limit)));
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

export function asRecord(a: AlertStateWrite): AlertStateRecord {
  return { key: a.key, raw: JSON.stringify(a.state), state: a.state, updatedAt: a.updatedAt };
}
