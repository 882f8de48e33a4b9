import type pg from 'pg';
import { uncountedClient } from './pg-counts.js';

export interface History {
  environment: string;
  journeys: number;
  locations: number;
  /** Steps of each journey: one step row each per stored run. */
  steps: number;
  minutes: number;
  /** The first slot the cell claims; the history is the minutes before it. */
  slot0: number;
  /** A real run document (the cell's warm-up run), stored as every history run's document. */
  document: string;
}

/**
 * The fleet's recent past, written straight into the tables before a cell is measured (not counted): for every
 * journey × location, `minutes` minutes of claimed ticks and stored runs (a real run's document, its journey and
 * step rows) and its latest-result row. Tables and indexes then grow with the fleet, as in a real one, instead of
 * every cell writing into the same small tables.
 */
export async function prefillHistory(url: string, h: History): Promise<void> {
  const series = `SELECT 'j' || j AS journey, 'loc' || l AS location, $1::bigint - m * 60000 AS slot,
      'h-' || j || '-' || l || '-' || m AS run_id
    FROM generate_series(0, ${h.journeys - 1}) j, generate_series(0, ${h.locations - 1}) l,
         generate_series(1, ${h.minutes}) m`;
  const client = await uncountedClient(url);
  try {
    await insertHistory(client, series, h);
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

async function insertHistory(c: pg.Client, series: string, h: History): Promise<void> {
  const env = [h.slot0, h.environment];
  await c.query(
    `INSERT INTO prober_scheduled_runs (environment, location, journey, slot_ms, run_id, owner, claimed_ms)
       SELECT $2, location, journey, slot, run_id, 'history', slot FROM (${series}) s`,
    env,
  );
  await c.query(
    `INSERT INTO prober_runs (run_id, environment, location, started_ms, status, document)
       SELECT run_id, $2, location, slot, 'pass', $3 FROM (${series}) s`,
    [...env, h.document],
  );
  await c.query(
    `INSERT INTO prober_journey_runs (run_id, journey, location, status, started_ms, duration_ms)
       SELECT run_id, journey, location, 'pass', slot, 5 FROM (${series}) s`,
    [h.slot0],
  );
  await c.query(
    `INSERT INTO prober_step_results (run_id, journey, ordinal, step, service, status, duration_ms)
       SELECT run_id, journey, o, 'step' || o, 'api', 'pass', 1 FROM (${series}) s, generate_series(0, ${h.steps - 1}) o`,
    [h.slot0],
  );
  await c.query(
    `INSERT INTO prober_series (environment, journey, location, last_run_id, last_status, last_started_ms)
       SELECT $2, journey, location, run_id, 'pass', slot FROM (${series}) s WHERE slot = $1::bigint - 60000`,
    env,
  );
}
