import { Gauge, type Registry } from 'prom-client';
import type { RunStore } from '../store/run-store.js';

/**
 * Location health from the fleet, not the replica: per environment, journey and location, the latest judged result
 * of that location, whichever replica ran it, read from the shared store at scrape time. A replica that lost every
 * claim for a while (its siblings ran the ticks) still reports its location's truth, so `max by (location)` over
 * replicas can no longer be held up by one replica's old `1`; and the age says when a location went quiet.
 *   prober_fleet_journey_up{environment,journey,location}              1 pass/degraded/flaky, 0 fail (absent: error)
 *   prober_fleet_last_run_timestamp_seconds{environment,journey,location}  start of that latest run
 * Only on a store shared by replicas (it has `latestByLocation`); a store read that fails leaves the last values.
 */
export function locationHealthMetrics(registry: Registry, store: RunStore): void {
  const latest = store.latestByLocation?.bind(store);
  if (latest === undefined) return;
  const labelNames = ['environment', 'journey', 'location'] as const;
  const up = new Gauge({
    name: 'prober_fleet_journey_up',
    help: 'The latest judged result of the journey in the location, from the shared store (whichever replica ran it)',
    labelNames,
    registers: [registry],
  });
  const at = new Gauge({
    name: 'prober_fleet_last_run_timestamp_seconds',
    help: 'Start of the latest run of the journey in the location, from the shared store',
    labelNames,
    registers: [registry],
  });
  let reading: Promise<void> | undefined;
  // One store read per scrape serves both gauges (each gauge's collect is called on the same scrape).
  const refresh = () =>
    (reading ??= latest()
      .then((rows) => {
        up.reset();
        at.reset();
        for (const r of rows) {
          const labels = { environment: r.environment, journey: r.journey, location: r.location };
          at.set(labels, r.startedMs / 1000);
          if (r.status !== 'error') up.set(labels, r.status === 'fail' ? 0 : 1);
        }
      })
      .catch(() => undefined)
      .finally(() => setImmediate(() => (reading = undefined))));
  Object.assign(up, { collect: refresh });
  Object.assign(at, { collect: refresh });
}
