import pg from 'pg';
import { expect } from 'vitest';
import { type Kill, LOCATION_OF } from './fleet-replicas.js';

/**
 * Per journey and location: every slot claimed once, every recorded run the run of one claimed tick, never two,
 * and a claimed tick without a recorded run only next to a kill of that location's replicas. Returns one summary
 * line per journey and location for the log.
 */
export async function checkTicks(
  databaseUrl: string,
  journeys: string[],
  kills: Kill[],
  stopAt: number,
): Promise<string[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const lines: string[] = [];
  try {
    for (const journey of journeys)
      for (const location of ['eu', 'us']) lines.push(await checkSeries(db, journey, location, kills, stopAt));
  } finally {
    await db.end();
  }
  return lines;
}

async function checkSeries(db: pg.Client, journey: string, location: string, kills: Kill[], stopAt: number) {
  const claims = (
    await db.query<{ slot_ms: string; run_id: string }>(
      'SELECT slot_ms, run_id FROM prober_scheduled_runs WHERE journey = $1 AND location = $2 ORDER BY slot_ms',
      [journey, location],
    )
  ).rows;
  const runs = (
    await db.query<{ run_id: string }>('SELECT run_id FROM prober_journey_runs WHERE journey = $1 AND location = $2', [
      journey,
      location,
    ])
  ).rows.map((r) => r.run_id);
  const claimed = new Set(claims.map((c) => c.run_id));
  expect(runs.filter((r) => !claimed.has(r))).toEqual([]);
  expect(new Set(runs).size).toBe(runs.length);
  const bySlot = new Map(claims.map((c) => [Number(c.slot_ms), c.run_id]));
  const recorded = new Set(runs);
  const unclaimed: number[] = [];
  const cutOff: number[] = [];
  for (let slot = Number(claims[0]!.slot_ms); slot < stopAt - 2_000; slot += 1_000) {
    const run = bySlot.get(slot);
    if (run === undefined) unclaimed.push(slot);
    else if (!recorded.has(run)) cutOff.push(slot);
  }
  expect(unclaimed, `${journey} in ${location}: ticks nobody ran`).toEqual([]);
  // A claim writes its run's in-flight marker in the same statement, so a replica killed right after claiming
  // has that run recorded as aborted by the replica that finds it dead, but only once its lease has run out and a
  // recovery pass ran (every 5 s): a kill near the end can still be pending. Each such tick must sit next to a
  // kill of that location's replicas.
  for (const slot of cutOff)
    expect(kills.some((k) => LOCATION_OF[k.replica] === location && Math.abs(k.at - slot) <= 2_000)).toBe(true);
  return JSON.stringify({ journey, location, claimed: claims.length, runs: runs.length, unclaimed, cutOff });
}
