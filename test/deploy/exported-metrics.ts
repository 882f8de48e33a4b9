import { alertMetrics } from '../../src/alert/alert-metrics.js';
import { ProberMetrics } from '../../src/report/metrics.js';
import { sampleRun } from '../store/sample-run.js';

/** The daemon's /metrics text after one failed run and one dead letter, as Prometheus would scrape it. */
export async function exportedMetricsText(): Promise<string> {
  const metrics = new ProberMetrics({
    defaultMetrics: false,
    environment: 'staging',
    location: 'eu',
    known: [{ journey: 'golden-path-api', steps: [{ name: 'auth.token', service: 'auth' }], intervalSeconds: 60 }],
  });
  // The alert-delivery metrics live on the same registry in the daemon; on a shared store, so do the fleet's
  // per-location results (read from the store's one-row-per-location table: here the row it would hold) and the
  // locations the config expects.
  const fleetRows = async () => [
    {
      environment: 'staging',
      journey: 'golden-path-api',
      location: 'eu',
      status: 'fail',
      startedMs: 1_700_000_000_000,
    },
  ];
  const deliveries = alertMetrics(
    metrics.registry,
    { latestByLocation: fleetRows },
    { journeys: ['golden-path-api'], quorum: { failing: 2, of: ['eu', 'us'] } },
  );
  deliveries({ type: 'dead-letter', channel: 'hook', deliveryId: 'd1', reason: 'refused' });
  deliveries({ type: 'attempt', channel: 'hook', deliveryId: 'd1', outcome: 'accepted' });
  metrics.observeRun(sampleRun({ status: 'fail' }));
  return metrics.render();
}

/** Series names the prober exports (histograms with their _bucket/_sum/_count). */
export async function exportedMetricNames(): Promise<Set<string>> {
  return new Set([...(await exportedMetricsText()).matchAll(/^([a-z_:]+)(?:\{| )/gm)].map((m) => m[1]!));
}

/** prober_* names a PromQL expression reads. */
export function proberMetricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(prober_[a-z_]+)\b/g)].map((m) => m[1]!);
}
