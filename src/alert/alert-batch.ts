import type { Logger } from '../log.js';
import type { AlertStateWrite, JsonValue, OutboxRecord, StateStore } from '../store/state-store.js';
import { readState, type StateFormat } from './alert-state-format.js';
import type { AlertEvent } from './notification.js';
import { outboxEntries } from './outbox.js';
import type { PolicyOutcome } from './policy.js';

// How AlertRecorder reads alert states and writes what the policy decided: one batch per call, written in one
// transaction, so a crash never keeps a new state without the notifications it caused (or the reverse).

/** What one call writes, in one transaction: the alert states (the newest per key) and the outbox rows they caused. */
export interface AlertBatch {
  states: Map<string, AlertStateWrite>;
  outbox: OutboxRecord[];
}

export interface Loaded<S> {
  state?: S;
  /** Why the stored state was quarantined. */
  quarantined?: string;
}

export function newBatch(): AlertBatch {
  return { states: new Map(), outbox: [] };
}

/** What saving an outcome needs besides the outcome: when, where notifications go, and whether they are muted. */
export interface SaveContext {
  now: Date;
  /** Names of the configured channels; every notification is queued once per channel. */
  channels: readonly string[];
  /** Channels whose alerts expire unless re-sent (Alertmanager): keep-alive notifications go only to them. */
  keepAliveChannels: ReadonlySet<string>;
  /** A maintenance window covers this run (logged with every notification). */
  muted: boolean | undefined;
  log: Logger;
}

/** Where alert states are read from: the store, or the states read inside a fleet lock. */
export type AlertReader = Pick<StateStore, 'getAlertState' | 'quarantineAlertState'>;

export async function loadState<S>(
  store: AlertReader,
  log: Logger,
  key: string,
  format: StateFormat<S>,
  batch: AlertBatch,
): Promise<Loaded<S>> {
  // A key already evaluated in this call (prober:<env> once per journey) continues from that state.
  const pending = batch.states.get(key);
  if (pending !== undefined) return { state: pending.state as S };
  const stored = await store.getAlertState(key);
  const read = readState(format, stored?.raw);
  switch (read.kind) {
    case 'absent':
      return {};
    case 'current':
      return { state: read.state };
    case 'migrated':
      log.info(
        { alert: key, from: read.from, to: format.version },
        `alert/state-migrated: ${format.name} upgraded from format ${read.from} to ${format.version}`,
      );
      return { state: read.state };
    case 'unreadable':
      // Never dropped in silence: the text is kept aside, the error is logged, and prober:<env> fires.
      await store.quarantineAlertState(key, read.reason);
      log.error(
        { alert: key, reason: read.reason },
        `alert/state-quarantined: the ${format.name} of ${key} could not be read (${read.reason}); it was kept in the store's alert_state_quarantine table and this alert starts afresh`,
      );
      return { quarantined: read.reason };
  }
}

export function saveOutcome<S>(
  batch: AlertBatch,
  key: string,
  outcome: PolicyOutcome<S>,
  at: SaveContext,
): AlertEvent[] {
  const { now, log } = at;
  const entries = outboxEntries(outcome.notifications, at.channels, now.getTime(), undefined, at.keepAliveChannels);
  batch.states.set(key, { key, state: outcome.state as JsonValue, updatedAt: now.toISOString() });
  batch.outbox.push(...entries.map((e) => ({ ...e, attempts: 0 })));
  for (const n of outcome.notifications) {
    const fields = {
      alert: n.id,
      state: n.state,
      severity: n.severity,
      reminder: n.reminder,
      journey: n.journey,
      step: n.failure?.step,
      category: n.failure?.category,
      muted: at.muted,
    };
    if (n.keepAlive === true) log.debug(fields, 'alert/keep-alive');
    else log.warn(fields, `alert/${n.state}`);
  }
  return outcome.notifications;
}
