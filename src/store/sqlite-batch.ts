import type { SqliteDatabase } from './load-sqlite.js';
import type { RunResult } from '../journey/result-schema.js';
import type { StoreBatch } from './state-store.js';

/**
 * The statements behind `StateStore.commit`, prepared once per connection: runs (with their journey and step rows),
 * alert states and outbox rows in one IMMEDIATE transaction. Every insert is idempotent (by run id, alert key,
 * delivery id), so a batch replayed after a failed attempt, or after a crash, never writes anything twice.
 */
export function batchWriter(db: SqliteDatabase): (batch: StoreBatch) => void {
  const run = db.prepare(
    'INSERT INTO runs (run_id, environment, started_ms, status, document) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING',
  );
  const journey = db.prepare(
    'INSERT INTO journey_runs (run_id, journey, status, started_ms, duration_ms, category) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const step = db.prepare(
    'INSERT INTO step_results (run_id, journey, ordinal, step, service, status, duration_ms, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const done = db.prepare('DELETE FROM in_flight WHERE run_id = ?');
  const alert = db.prepare(
    'INSERT INTO alert_state (key, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
  );
  const outbox = db.prepare(
    `INSERT INTO outbox (id, channel, alert_key, payload, created_ms, attempts, next_attempt_ms, delivered_ms, dead_reason, last_error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET attempts = excluded.attempts, next_attempt_ms = excluded.next_attempt_ms,
       delivered_ms = excluded.delivered_ms, dead_reason = excluded.dead_reason, last_error = excluded.last_error`,
  );
  const change = db.prepare(
    'UPDATE outbox SET attempts = ?, next_attempt_ms = ?, delivered_ms = ?, dead_reason = ?, last_error = ? WHERE id = ?',
  );
  const saveRun = (r: RunResult) => {
    const inserted = run.run(r.runId, r.environment, Date.parse(r.startedAt), r.status, JSON.stringify(r));
    if (inserted.changes > 0) {
      for (const j of r.journeys) {
        journey.run(r.runId, j.journey, j.status, Date.parse(j.startedAt), j.durationMs, j.failure?.category ?? null);
        for (const [i, s] of j.steps.entries()) {
          step.run(r.runId, j.journey, i, s.name, s.service, s.status, s.durationMs, s.error?.category ?? null);
        }
      }
    }
    done.run(r.runId);
  };
  const write = db.transaction((batch: StoreBatch) => {
    for (const r of batch.runs ?? []) saveRun(r);
    for (const a of batch.alertStates ?? []) alert.run(a.key, JSON.stringify(a.state), a.updatedAt);
    for (const o of batch.outbox ?? []) {
      outbox.run(
        o.id,
        o.channel,
        o.alertKey,
        JSON.stringify(o.payload),
        o.createdMs,
        o.attempts,
        o.nextAttemptMs,
        o.deliveredMs ?? null,
        o.deadReason ?? null,
        o.lastError ?? null,
      );
    }
    for (const { id, change: c } of batch.outboxChanges ?? [])
      change.run(c.attempts, c.nextAttemptMs, c.deliveredMs ?? null, c.deadReason ?? null, c.lastError ?? null, id);
  });
  return (batch) => write.immediate(batch);
}
