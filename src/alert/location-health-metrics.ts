import { Gauge, type Registry } from 'prom-client';
import type { LocationQuorum } from '../config/alert-policy.js';
import type { StateStore } from '../store/state-store.js';

/**
 * Location health from the fleet, not the replica: per environment, journey and location, the latest judged result
 * of that location, whichever replica ran it, read from the shared store at scrape time. A replica that lost every
 * claim for a while (its siblings ran the ticks) still reports its location's truth, so `max by (location)` over
 * replicas can no longer be held up by one replica's old `1`; and the age says when a location went quiet.
 *   prober_fleet_journey_up{environment,journey,location}              1 pass/degraded/flaky, 0 fail (absent: error)
 *   prober_fleet_last_run_timestamp_seconds{environment,journey,location}  start of that latest run
 * Only on a store shared by replicas (it has `latestByLocation`); a store read that fails leaves the last values.
 */
export function locationHealthMetrics(registry: Registry, store: Pick<StateStore, 'latestByLocation'>): void {
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

/** The journeys a prober runs and the location quorum its config names (alerts.policy.locations). */
export interface ExpectedLocations {
  journeys: readonly string[];
  quorum?: LocationQuorum | undefined;
}

/** The enabled journeys of a loaded config and its location quorum. */
export function expectedLocations(
  journeys: readonly { name: string }[],
  config: {
    alerts: { policy: { locations?: LocationQuorum | undefined } };
    journeys: Readonly<Record<string, { enabled: boolean }>>;
  },
): ExpectedLocations {
  const enabled = journeys.map((j) => j.name).filter((name) => config.journeys[name]?.enabled !== false);
  return { journeys: enabled, quorum: config.alerts.policy.locations };
}

/**
 * The locations the fleet is expected to be in, from config, so the shipped Prometheus rules count M from what
 * is configured rather than from the series that exist now: a location whose probers all died has no series of
 * its own, but every other prober still exports it here, so it counts as unknown instead of shrinking M.
 *   prober_fleet_location_configured{environment,journey,location}  1 for every journey × `of` location
 *   prober_fleet_locations_required{environment,journey}           K (`failing`)
 * Exported by every prober whatever its store (the config is the same everywhere); nothing without a quorum.
 */
export function expectedLocationMetrics(registry: Registry, expected: ExpectedLocations): void {
  const quorum = expected.quorum;
  if (quorum === undefined) return;
  const configured = new Gauge({
    name: 'prober_fleet_location_configured',
    help: "Always 1: the config names this location in the journey's location quorum (alerts.policy.locations.of)",
    labelNames: ['journey', 'location'],
    registers: [registry],
  });
  const required = new Gauge({
    name: 'prober_fleet_locations_required',
    help: 'Locations that must fail at once for the journey to page (alerts.policy.locations.failing)',
    labelNames: ['journey'],
    registers: [registry],
  });
  for (const journey of expected.journeys) {
    required.set({ journey }, quorum.failing);
    for (const location of new Set(quorum.of ?? [])) configured.set({ journey, location }, 1);
  }
}
