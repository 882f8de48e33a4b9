import { prepared, type SqliteDatabase } from './load-sqlite.js';
import type {
  AlertStateRecord,
  JsonValue,
  OutboxChange,
  OutboxEntry,
  OutboxQuery,
  OutboxRecord,
} from './state-store.js';

// The SQLite store's alert tables: alert state (one row per alert key), its quarantine, and the delivery outbox.
// better-sqlite3 is synchronous; SqliteRunStore puts the StateStore's async interface around these.

interface OutboxRow {
  id: string;
  channel: string;
  alert_key: string;
  payload: string;
  created_ms: number;
  attempts: number;
  next_attempt_ms: number;
  delivered_ms: number | null;
  dead_reason: string | null;
  last_error: string | null;
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

export function getAlertState(db: SqliteDatabase, key: string): AlertStateRecord | undefined {
  const row = prepared(db, 'SELECT key, state, updated_at FROM alert_state WHERE key = ?').get(key) as
    | {
        key: string;
        state: string;
        updated_at: string;
      }
    | undefined;
  return row === undefined
    ? undefined
    : { key: row.key, raw: row.state, state: parseJson(row.state), updatedAt: row.updated_at };
}

export function listAlertStateKeys(db: SqliteDatabase, prefix: string): string[] {
  // substr, not LIKE: a key may contain `%` or `_`.
  return prepared(db, 'SELECT key FROM alert_state WHERE substr(key, 1, ?) = ? ORDER BY key')
    .pluck()
    .all(prefix.length, prefix) as string[];
}

export function quarantineAlertState(db: SqliteDatabase, key: string, reason: string): void {
  prepared(
    db,
    'INSERT INTO alert_state_quarantine (key, state, updated_at, reason, quarantined_at) SELECT key, state, updated_at, ?, ? FROM alert_state WHERE key = ?',
  ).run(reason, new Date().toISOString(), key);
}

export function putAlertState(
  db: SqliteDatabase,
  key: string,
  state: JsonValue,
  enqueue: readonly OutboxEntry[],
): void {
  // Enqueueing is insert-only (a delivery id already queued fails the whole write, state included); `commit`,
  // which replays held rows with their delivery status, is the upsert.
  const put = prepared(
    db,
    'INSERT INTO alert_state (key, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
  );
  const add = prepared(
    db,
    'INSERT INTO outbox (id, channel, alert_key, payload, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    put.run(key, JSON.stringify(state), new Date().toISOString());
    for (const e of enqueue)
      add.run(e.id, e.channel, e.alertKey, JSON.stringify(e.payload), e.createdMs, e.nextAttemptMs);
  }).immediate();
}

export function listOutbox(db: SqliteDatabase, query: OutboxQuery): OutboxRecord[] {
  const where = {
    pending: 'WHERE delivered_ms IS NULL AND dead_reason IS NULL',
    delivered: 'WHERE delivered_ms IS NOT NULL',
    dead: 'WHERE dead_reason IS NOT NULL',
    all: '',
  }[query.status];
  const rows = prepared(
    db,
    `SELECT id, channel, alert_key, payload, created_ms, attempts, next_attempt_ms, delivered_ms, dead_reason, last_error FROM outbox ${where} ORDER BY rowid LIMIT ?`,
  ).all(Math.max(0, Math.floor(query.limit))) as OutboxRow[];
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    alertKey: r.alert_key,
    payload: JSON.parse(r.payload) as JsonValue,
    createdMs: r.created_ms,
    nextAttemptMs: r.next_attempt_ms,
    attempts: r.attempts,
    deliveredMs: r.delivered_ms ?? undefined,
    deadReason: r.dead_reason ?? undefined,
    lastError: r.last_error ?? undefined,
  }));
}

export function updateOutbox(db: SqliteDatabase, id: string, change: OutboxChange): void {
  prepared(
    db,
    'UPDATE outbox SET attempts = ?, next_attempt_ms = ?, delivered_ms = ?, dead_reason = ?, last_error = ? WHERE id = ?',
  ).run(
    change.attempts,
    change.nextAttemptMs,
    change.deliveredMs ?? null,
    change.deadReason ?? null,
    change.lastError ?? null,
    id,
  );
}
