import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../log.js';
import type { OutboxChange, OutboxRecord, StateStore } from '../store/state-store.js';
import type { DeliverySettings } from '../config/alerts-config.js';
import type { ChannelSender } from './channels/channel.js';
import { AlertNotification } from './notification.js';
import { queueHeads, retryDelayMs } from './outbox.js';

export type DeliveryEvent =
  | { type: 'attempt'; channel: string; deliveryId: string; outcome: string }
  | { type: 'delivered'; channel: string; deliveryId: string; attempts: number }
  | { type: 'dead-letter'; channel: string; deliveryId: string; reason: string }
  | { type: 'channel-disabled'; channel: string }
  /** Not a delivery: an alert evaluation left for the next run because another replica held its key (fleet). */
  | { type: 'evaluation-deferred'; alertKey: string };

export interface DelivererOptions {
  store: StateStore;
  senders: ReadonlyMap<string, ChannelSender>;
  settings: DeliverySettings;
  log: Logger;
  /** Injected so tests can age rows without waiting; defaults to the wall clock. */
  clock?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Metrics and tests. */
  onEvent?: (event: DeliveryEvent) => void;
  /**
   * Writes an attempt's outcome; true once it is committed, false when it could only be held in memory (a
   * ResilientStore's `recordOutbox`). Defaults to `store.updateOutbox` (committed, or it throws).
   */
  record?: (id: string, change: OutboxChange) => Promise<boolean>;
}

const BATCH = 500;
/** With nothing pending the background loop still looks now and then (another process may have enqueued). */
const IDLE_MS = 30_000;
/** A delivery lease outlasts the attempt's own timeout by this much (clock skew between replicas, a slow update). */
const LEASE_MARGIN_MS = 5_000;

/**
 * When a row may next be attempted here: its retry time, or later while another replica's attempt holds its lease
 * (fleet). Without the lease in this sum the loop would find the row due, fail to claim it and look again at once,
 * spinning on the store for as long as the other attempt lasts.
 */
function dueAt(row: OutboxRecord): number {
  return Math.max(row.nextAttemptMs, row.leaseUntilMs ?? 0);
}

/** Sends outbox rows: per-key FIFO, bounded attempts, backoff, dead letters; never throws out of a pass. */
export class OutboxDeliverer {
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Channels that answered 410 Gone: disabled until the prober restarts with a fixed config. */
  private readonly disabled = new Set<string>();
  private readonly stopper = new AbortController();
  private loop: Promise<void> | undefined;
  private waker: AbortController | undefined;
  private woken = false;

  constructor(private readonly options: DelivererOptions) {
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined));
  }

  /** One pass over every key's oldest pending row that is due. Returns what is still pending and when the next row is due. */
  async deliverDue(
    signal: AbortSignal = this.stopper.signal,
  ): Promise<{ pending: number; nextDueMs: number | undefined }> {
    const { store } = this.options;
    const now = this.clock();
    const due = queueHeads(await store.listOutbox({ status: 'pending', limit: BATCH })).filter((r) => dueAt(r) <= now);
    await Promise.all(due.map((row) => this.attempt(row, signal)));
    const pending = await store.listOutbox({ status: 'pending', limit: BATCH });
    const next = queueHeads(pending).reduce<number | undefined>(
      (min, r) => (min === undefined || dueAt(r) < min ? dueAt(r) : min),
      undefined,
    );
    return { pending: pending.length, nextDueMs: next };
  }

  /** Delivers until nothing is pending or `boundMs` has passed (a CLI run leaves the rest for the next invocation). */
  async flush(boundMs: number, signal?: AbortSignal): Promise<{ pending: number }> {
    const deadline = this.clock() + boundMs;
    const bounded = AbortSignal.any([
      this.stopper.signal,
      AbortSignal.timeout(Math.max(1, boundMs)),
      ...(signal === undefined ? [] : [signal]),
    ]);
    for (;;) {
      // Already stopped (SIGTERM before the flush): attempts would only fail and count against the rows.
      if (bounded.aborted)
        return { pending: (await this.options.store.listOutbox({ status: 'pending', limit: BATCH })).length };
      const { pending, nextDueMs } = await this.deliverDue(bounded);
      if (pending === 0 || nextDueMs === undefined || nextDueMs > deadline || bounded.aborted) return { pending };
      await this.sleep(Math.max(0, nextDueMs - this.clock()), bounded);
    }
  }

  /** The daemon's background loop; `wake()` after enqueueing, `stop()` on shutdown. */
  start(): void {
    this.loop ??= (async () => {
      while (!this.stopper.signal.aborted) {
        let wait = IDLE_MS;
        try {
          const { nextDueMs } = await this.deliverDue();
          if (nextDueMs !== undefined) wait = Math.min(IDLE_MS, Math.max(0, nextDueMs - this.clock()));
        } catch (err) {
          this.options.log.error({ err: err instanceof Error ? err.message : String(err) }, 'alert/outbox-pass-failed');
        }
        if (this.woken) this.woken = false;
        else if (wait > 0) await this.pause(wait);
      }
    })();
  }

  wake(): void {
    this.woken = true;
    this.waker?.abort();
  }

  /** Aborts waits and in-flight attempts (they stay pending, same id) and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
  }

  private async pause(ms: number): Promise<void> {
    const waker = new AbortController();
    this.waker = waker;
    await this.sleep(ms, AbortSignal.any([this.stopper.signal, waker.signal]));
    this.woken = false;
  }

  private async attempt(row: OutboxRecord, signal: AbortSignal): Promise<void> {
    const { store, settings, log } = this.options;
    const sender = this.options.senders.get(row.channel);
    const parsed = AlertNotification.safeParse(row.payload);
    if (sender === undefined)
      return this.deadLetter(row, row.attempts, `channel "${row.channel}" is no longer configured`);
    if (this.disabled.has(row.channel))
      return this.deadLetter(row, row.attempts, 'channel disabled after HTTP 410 Gone');
    if (!parsed.success)
      return this.deadLetter(row, row.attempts, 'stored notification is not a valid prober.alert/v1 payload');
    if (this.clock() - row.createdMs > settings.maxAgeMs)
      return this.deadLetter(row, row.attempts, `not delivered within ${settings.maxAgeMs} ms`, row.lastError);
    const n = parsed.data;
    // A shared store (fleet): another replica may be sending this row right now; if its lease runs out (it died
    // mid-attempt) a later pass here takes the row over and sends it again with the same id.
    if (
      store.claimOutbox !== undefined &&
      !(await store.claimOutbox(row.id, settings.attemptTimeoutMs + LEASE_MARGIN_MS))
    )
      return;
    const outcome = await sender.send(n, { signal, now: new Date(this.clock()), timeoutMs: settings.attemptTimeoutMs });
    const attempts = row.attempts + 1;
    this.options.onEvent?.({
      type: 'attempt',
      channel: row.channel,
      deliveryId: row.id,
      outcome: outcome.kind === 'accepted' ? 'accepted' : outcome.reason,
    });
    const fields = { channel: row.channel, alert: n.id, state: n.state, deliveryId: row.id, attempts };
    switch (outcome.kind) {
      case 'accepted': {
        // Recorded before it is called delivered: a kill between the receiver's answer and this commit is the one
        // window in which the row is sent again (same id, so the receiver can drop it); after the log line, never.
        const recorded = await this.record(row.id, {
          attempts,
          nextAttemptMs: row.nextAttemptMs,
          deliveredMs: this.clock(),
        });
        if (recorded) log.info({ ...fields, status: outcome.status }, 'alert/delivered');
        else
          log.warn(
            { ...fields, status: outcome.status },
            'alert/delivered-held: the receiver took it but the store is failing; the outcome is held in memory, and a restart before the store recovers sends it again with the same id',
          );
        this.options.onEvent?.({ type: 'delivered', channel: row.channel, deliveryId: row.id, attempts });
        return;
      }
      case 'refused':
        return this.deadLetter(row, attempts, `receiver refused it (${outcome.reason}); not retried`);
      case 'gone':
        this.disabled.add(row.channel);
        log.error(
          { channel: row.channel, type: sender.type },
          `alert/channel-disabled: channel "${row.channel}" answered 410 Gone; it gets no more notifications until its config is fixed and the prober restarted`,
        );
        this.options.onEvent?.({ type: 'channel-disabled', channel: row.channel });
        return this.deadLetter(row, attempts, 'receiver answered 410 Gone; channel disabled');
      case 'retry': {
        const next = this.clock() + retryDelayMs(attempts, settings, this.random, outcome.retryAfterMs);
        if (next - row.createdMs > settings.maxAgeMs)
          return this.deadLetter(row, attempts, `not delivered within ${settings.maxAgeMs} ms`, outcome.reason);
        await this.record(row.id, { attempts, nextAttemptMs: next, lastError: outcome.reason });
        log.warn({ ...fields, reason: outcome.reason, retryInMs: next - this.clock() }, 'alert/retry');
      }
    }
  }

  private record(id: string, change: OutboxChange): Promise<boolean> {
    const { record, store } = this.options;
    return record === undefined ? store.updateOutbox(id, change).then(() => true) : record(id, change);
  }

  private async deadLetter(row: OutboxRecord, attempts: number, reason: string, lastError?: string): Promise<void> {
    await this.record(row.id, {
      attempts,
      nextAttemptMs: row.nextAttemptMs,
      deadReason: reason,
      lastError: lastError ?? row.lastError,
    });
    this.options.log.error(
      { channel: row.channel, alertKey: row.alertKey, deliveryId: row.id, attempts, reason, lastError },
      'alert/dead-letter',
    );
    this.options.onEvent?.({ type: 'dead-letter', channel: row.channel, deliveryId: row.id, reason });
  }
}
