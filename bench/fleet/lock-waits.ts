import { proberAlertKey } from '../../src/alert/notification.js';
import { lockId } from '../../src/store/postgres-alert-locks.js';
import { uncountedClient } from './pg-counts.js';

export interface LockWaits {
  /** Share of samples (%) with an evaluation waiting on its own journey's alert key. */
  pct: number;
  /** Share of samples (%) with an evaluation waiting on the shared `prober:<environment>` key. */
  sharedPct: number;
  /** The most waiters on journey keys seen in one sample. */
  max: number;
  samples: number;
}

/**
 * Samples pg_locks every 10 ms on its own (uncounted) connection for alert-key advisory locks someone is waiting
 * for. objid is the key's id (postgres-alert-locks.ts): a wait on a journey's own key is that journey judged in
 * several locations at once; a wait on the shared prober:<env> key is the only way two journeys can wait on each
 * other.
 */
export async function lockWaitSampler(url: string, environment: string): Promise<{ stop(): Promise<LockWaits> }> {
  const client = await uncountedClient(url);
  const shared = lockId(proberAlertKey(environment)) >>> 0;
  const seen = { samples: 0, waited: 0, sharedWaited: 0, max: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ shared: string; own: string }>(
        `SELECT count(*) FILTER (WHERE objid::bigint = ${shared}) AS shared,
                count(*) FILTER (WHERE objid::bigint <> ${shared}) AS own
           FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
      );
      const own = Number(rows[0]?.own);
      seen.samples++;
      if (own > 0) seen.waited++;
      if (Number(rows[0]?.shared) > 0) seen.sharedWaited++;
      seen.max = Math.max(seen.max, own);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      const pct = (k: number) => Number(((100 * k) / Math.max(1, seen.samples)).toFixed(2));
      return { pct: pct(seen.waited), sharedPct: pct(seen.sharedWaited), max: seen.max, samples: seen.samples };
    },
  };
}
