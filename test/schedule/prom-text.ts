import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';

export interface ParsedMetrics {
  families: PromFamily[];
  family(name: string): PromFamily;
  /** Every sample of one series name (e.g. `prober_step_duration_seconds_count`) with its labels. */
  samples(name: string): { labels: Record<string, string>; value: number }[];
}

/**
 * Parses `/metrics` with a Prometheus text-format parser. That parser folds a histogram's series into one
 * unlabelled object (it only handles label-less histograms), so samples are also read from a second parse with the
 * histogram TYPE lines removed, where each `_bucket` / `_sum` / `_count` series keeps its labels.
 */
export function parseMetrics(text: string): ParsedMetrics {
  const families = parsePrometheusTextFormat(text);
  const untyped = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram$/gm, ''));
  return {
    families,
    family(name) {
      const f = families.find((x) => x.name === name);
      if (f === undefined) throw new Error(`metric ${name} is missing; have ${families.map((x) => x.name).join(', ')}`);
      return f;
    },
    samples(name) {
      // Without TYPE lines a series name can recur in several runs of lines (bucket, sum, count, bucket…).
      const runs = untyped.filter((x) => x.name === name);
      if (runs.length === 0) throw new Error(`series ${name} is missing`);
      return runs.flatMap((f) => f.metrics.map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) })));
    },
  };
}

/** Every prober series carries these (registry default labels): the fleet rules aggregate by them. */
const FLEET_LABELS = ['environment', 'location'];

/** The metrics issue 4 names, with their types and label names (a contract, documented in the README). */
export const ISSUE_METRICS: Record<string, { type: PromFamily['type']; labels: string[] }> = {
  prober_journey_up: { type: 'GAUGE', labels: ['journey', ...FLEET_LABELS] },
  prober_journey_duration_seconds: { type: 'HISTOGRAM', labels: ['journey', ...FLEET_LABELS] },
  prober_step_duration_seconds: { type: 'HISTOGRAM', labels: ['journey', 'step', 'service', ...FLEET_LABELS] },
  prober_step_failures_total: { type: 'COUNTER', labels: ['journey', 'step', 'service', 'category', ...FLEET_LABELS] },
  prober_runs_total: { type: 'COUNTER', labels: ['journey', 'status', ...FLEET_LABELS] },
  prober_ticks_skipped_total: { type: 'COUNTER', labels: ['reason', ...FLEET_LABELS] },
  prober_last_run_timestamp_seconds: { type: 'GAUGE', labels: ['journey', ...FLEET_LABELS] },
  prober_store_errors_total: { type: 'COUNTER', labels: ['operation', ...FLEET_LABELS] },
  prober_build_info: { type: 'GAUGE', labels: ['version', 'node_version', ...FLEET_LABELS] },
};

/** Asserts every issue metric is present with its type and exactly its label names; returns the problems. */
export function metricProblems(parsed: ParsedMetrics): string[] {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(ISSUE_METRICS)) {
    const f = parsed.families.find((x) => x.name === name);
    if (f === undefined) {
      problems.push(`${name}: missing`);
      continue;
    }
    if (f.type !== spec.type) problems.push(`${name}: type ${f.type}, expected ${spec.type}`);
    const series = spec.type === 'HISTOGRAM' ? parsed.samples(`${name}_count`) : parsed.samples(name);
    if (series.length === 0) problems.push(`${name}: no samples`);
    for (const s of series) {
      const got = Object.keys(s.labels).sort().join(',');
      if (got !== [...spec.labels].sort().join(','))
        problems.push(`${name}: labels {${got}}, expected {${spec.labels.join(',')}}`);
    }
  }
  return problems;
}
