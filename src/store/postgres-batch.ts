import pg from 'pg';
import type { RunResult } from '../journey/result-schema.js';
import type { StoreBatch } from './state-store.js';

/**
 * A whole StoreBatch (runs with their journey and step rows, alert states, outbox rows and outcome changes) as ONE
 * statement: a single statement is atomic on its own, so the batch is all-or-nothing without BEGIN/COMMIT, and it
 * costs one round trip however many steps a run has. Each table's rows travel as one JSON array parameter
 * (json_to_recordset), so the statement text is the same for every batch and the server plans it once.
 *
 * Row-level rules kept from the per-row statements it replaces:
 * - a run is idempotent by run id: its journey and step rows are inserted only when the run row was (a replayed
 *   batch writes nothing twice), and the run's in-flight marker goes either way;
 * - an outbox row inserted again takes the delivery fields of this write (it was held in memory and delivered);
 * - an outcome change ends this replica's delivery lease and leaves another replica's alone.
 * The journey rows reference runs inserted by a sibling CTE; the foreign-key checks run at the end of the statement,
 * when those runs exist.
 */
const commitSql = (strictOutbox: boolean) => `
WITH
  runs_in AS (
    SELECT * FROM json_to_recordset($1::json)
      AS x(ord int, run_id text, environment text, location text, started_ms bigint, status text, document text)
  ),
  ins_runs AS (
    INSERT INTO prober_runs (run_id, environment, location, started_ms, status, document)
    SELECT run_id, environment, location, started_ms, status, document FROM runs_in ORDER BY ord
    ON CONFLICT (run_id) DO NOTHING RETURNING run_id
  ),
  ins_journeys AS (
    INSERT INTO prober_journey_runs (run_id, journey, location, status, started_ms, duration_ms, category)
    SELECT j.run_id, j.journey, j.location, j.status, j.started_ms, j.duration_ms, j.category
    FROM json_to_recordset($2::json) AS j(run_id text, journey text, location text, status text, started_ms bigint,
      duration_ms double precision, category text)
    WHERE j.run_id IN (SELECT run_id FROM ins_runs)
  ),
  ins_steps AS (
    INSERT INTO prober_step_results (run_id, journey, ordinal, step, service, status, duration_ms, category)
    SELECT s.run_id, s.journey, s.ordinal, s.step, s.service, s.status, s.duration_ms, s.category
    FROM json_to_recordset($3::json) AS s(run_id text, journey text, ordinal int, step text, service text,
      status text, duration_ms double precision, category text)
    WHERE s.run_id IN (SELECT run_id FROM ins_runs)
  ),
  series AS (
    INSERT INTO prober_series (environment, journey, location, last_run_id, last_status, last_started_ms)
    SELECT DISTINCT ON (r.environment, j.journey, coalesce(j.location, ''))
      r.environment, j.journey, coalesce(j.location, ''), j.run_id, j.status, j.started_ms
    FROM json_to_recordset($2::json) AS j(run_id text, journey text, location text, status text, started_ms bigint)
      JOIN runs_in r ON r.run_id = j.run_id
    ORDER BY r.environment, j.journey, coalesce(j.location, ''), j.started_ms DESC
    ON CONFLICT (environment, journey, location) DO UPDATE SET last_run_id = excluded.last_run_id,
      last_status = excluded.last_status, last_started_ms = excluded.last_started_ms
    WHERE excluded.last_started_ms >= prober_series.last_started_ms
  ),
  del_markers AS (
    DELETE FROM prober_in_flight WHERE run_id IN (SELECT run_id FROM runs_in)
  ),
  states AS (
    INSERT INTO prober_alert_state (key, state, updated_at)
    SELECT key, state, updated_at FROM json_to_recordset($4::json) AS a(key text, state jsonb, updated_at text)
    ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
  ),
  outbox AS (
    INSERT INTO prober_outbox (id, channel, alert_key, payload, created_ms, attempts, next_attempt_ms, delivered_ms,
      dead_reason, last_error)
    SELECT id, channel, alert_key, payload, created_ms, attempts, next_attempt_ms, delivered_ms, dead_reason, last_error
    FROM json_to_recordset($5::json) AS o(ord int, id text, channel text, alert_key text, payload jsonb,
      created_ms bigint, attempts int, next_attempt_ms bigint, delivered_ms bigint, dead_reason text, last_error text)
    ORDER BY ord
    ${
      strictOutbox
        ? ''
        : `ON CONFLICT (id) DO UPDATE SET attempts = excluded.attempts, next_attempt_ms = excluded.next_attempt_ms,
      delivered_ms = excluded.delivered_ms, dead_reason = excluded.dead_reason, last_error = excluded.last_error`
    }
  ),
  changes AS (
    UPDATE prober_outbox p SET attempts = c.attempts, next_attempt_ms = c.next_attempt_ms,
      delivered_ms = c.delivered_ms, dead_reason = c.dead_reason, last_error = c.last_error,
      lease_until_ms = CASE WHEN p.lease_owner = $6 THEN NULL ELSE p.lease_until_ms END,
      lease_owner = CASE WHEN p.lease_owner = $6 THEN NULL ELSE p.lease_owner END
    FROM json_to_recordset($7::json) AS c(id text, attempts int, next_attempt_ms bigint, delivered_ms bigint,
      dead_reason text, last_error text)
    WHERE p.id = c.id
  )
SELECT (SELECT count(*) FROM ins_runs) AS runs`;
/** Outbox rows may exist (held in memory, then written: they take the new delivery fields). */
const COMMIT_SQL = commitSql(false);
/** Outbox rows are new (an id is minted once): an existing id fails the whole write. */
const COMMIT_NEW_OUTBOX_SQL = commitSql(true);

/** The batch's rows as the statement's seven parameters (JSON text, and this replica's id for the leases). */
export function commitParams(batch: StoreBatch, owner: string): string[] {
  return [...runParams(uniqueRuns(batch.runs ?? [])), ...alertParams(batch, owner)];
}

/** $1 to $3: the runs, their journeys and their steps, a row each. */
function runParams(runs: readonly RunResult[]): [string, string, string] {
  const location = (r: RunResult) => r.location ?? null;
  return [
    JSON.stringify(
      runs.map((r, ord) => ({
        ord,
        run_id: r.runId,
        environment: r.environment,
        location: location(r),
        started_ms: Date.parse(r.startedAt),
        status: r.status,
        document: JSON.stringify(r),
      })),
    ),
    JSON.stringify(
      runs.flatMap((r) =>
        r.journeys.map((j) => ({
          run_id: r.runId,
          journey: j.journey,
          location: location(r),
          status: j.status,
          started_ms: Date.parse(j.startedAt),
          duration_ms: j.durationMs,
          category: j.failure?.category ?? null,
        })),
      ),
    ),
    JSON.stringify(
      runs.flatMap((r) =>
        r.journeys.flatMap((j) =>
          j.steps.map((s, ordinal) => ({
            run_id: r.runId,
            journey: j.journey,
            ordinal,
            step: s.name,
            service: s.service,
            status: s.status,
            duration_ms: s.durationMs,
            category: s.error?.category ?? null,
          })),
        ),
      ),
    ),
  ];
}

/** $4 to $7: the alert states (the last one per key), the outbox rows, this replica's id, the outbox changes. */
function alertParams(batch: StoreBatch, owner: string): [string, string, string, string] {
  return [
    JSON.stringify(
      [...new Map((batch.alertStates ?? []).map((a) => [a.key, a])).values()].map((a) => ({
        key: a.key,
        state: a.state,
        updated_at: a.updatedAt,
      })),
    ),
    JSON.stringify(
      (batch.outbox ?? []).map((o, ord) => ({
        ord,
        id: o.id,
        channel: o.channel,
        alert_key: o.alertKey,
        payload: o.payload,
        created_ms: o.createdMs,
        attempts: o.attempts,
        next_attempt_ms: o.nextAttemptMs,
        delivered_ms: o.deliveredMs ?? null,
        dead_reason: o.deadReason ?? null,
        last_error: o.lastError ?? null,
      })),
    ),
    owner,
    JSON.stringify(
      (batch.outboxChanges ?? []).map(({ id, change }) => ({
        id,
        attempts: change.attempts,
        next_attempt_ms: change.nextAttemptMs,
        delivered_ms: change.deliveredMs ?? null,
        dead_reason: change.deadReason ?? null,
        last_error: change.lastError ?? null,
      })),
    ),
  ];
}

/** The batch in one round trip, atomic (one statement); `newOutbox`: its outbox ids must not exist yet. */
export async function commitBatch(
  q: pg.Pool | pg.ClientBase,
  batch: StoreBatch,
  owner: string,
  options: { newOutbox?: boolean } = {},
): Promise<void> {
  await q.query(options.newOutbox === true ? COMMIT_NEW_OUTBOX_SQL : COMMIT_SQL, commitParams(batch, owner));
}

/**
 * The batch's statement and a COMMIT as one simple-protocol query (one round trip ends a transaction that took
 * locks). The simple protocol carries no parameters, so they are inlined as literals, escaped by pg's own
 * escapeLiteral (quotes and backslashes; the E'' form when needed); they are all text, cast in the statement.
 */
export function commitBatchAndEnd(batch: StoreBatch, owner: string): string {
  const values = commitParams(batch, owner);
  const text = COMMIT_SQL.replace(/\$(\d+)/g, (_, n: string) => pg.escapeLiteral(values[Number(n) - 1] ?? ''));
  return `${text}; COMMIT`;
}

/** A batch may name a run twice (held, then written again by the store sink): the first copy is the one written. */
function uniqueRuns(runs: readonly RunResult[]): RunResult[] {
  const seen = new Set<string>();
  return runs.filter((r) => !seen.has(r.runId) && seen.add(r.runId));
}
