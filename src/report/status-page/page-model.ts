import type { JourneyResult, JourneyStatus, RunResult } from '../../journey/result-schema.js';

/** Everything the status page shows, computed from the store; rendering is a pure function of this. */
export interface StatusPageModel {
  environment: string;
  generatedAt: string;
  /** Seconds between self-refreshes; omitted, the page does not refresh (a static report). */
  refreshSeconds?: number | undefined;
  journeys: JourneyPanel[];
  /** A warning about how the daemon is exposed (a non-loopback bind without auth), shown at the top. */
  exposure?: string | undefined;
}

export interface JourneyPanel {
  journey: string;
  description: string;
  schedule?: string | undefined;
  /** `unknown` until the journey has run once. */
  status: JourneyStatus | 'unknown';
  verdict: string;
  lastRunAt?: string | undefined;
  /** Share of judged runs that passed (pass or degraded); undefined without judged runs in the window. */
  uptime24h: number | undefined;
  uptime7d: number | undefined;
  /** Oldest first, at most `stripRuns`. */
  runs: RunMark[];
  /** One series per step over the last `chartRuns` runs (oldest first). */
  latency: StepSeries[];
  /** Indexes (into the chart's runs) of runs that failed or could not be judged: marked, their timings not plotted. */
  failedRuns: number[];
  /** Newest first. */
  failures: FailureRow[];
  /** The latest judgement from each location (fleet), sorted by name; empty when no run names a location. */
  locations: LocationMark[];
  /** Location quorum (fleet, `alerts.policy.locations`): where the journey's alert stands. */
  quorum?: QuorumView | undefined;
}

/** The alert's view of the locations, as the policy judges them now (the alert code computes it; the page shows it). */
export interface QuorumView {
  firing: boolean;
  required: number;
  failing: string[];
  passing: string[];
  stale: string[];
}

export interface LocationMark {
  location: string;
  status: JourneyStatus;
  verdict: string;
  startedAt: string;
}

export interface RunMark {
  runId: string;
  status: JourneyStatus;
  startedAt: string;
  durationMs: number;
}

export interface StepSeries {
  step: string;
  service: string;
  /** Duration per run in ms, `null` where the step did not run (skipped, or absent) or the run failed. */
  points: (number | null)[];
  p50: number | undefined;
  p95: number | undefined;
}

export interface FailureRow {
  runId: string;
  startedAt: string;
  status: JourneyStatus;
  step: string;
  service: string;
  category: string;
  message: string;
  artifacts: string[];
  location?: string | undefined;
  /** The replica that holds the artifacts (fleet). */
  artifactsUrl?: string | undefined;
}

export interface ModelOptions {
  /** Journeys to show even before their first run (from the config), with their schedules. */
  configured?: { journey: string; description: string; schedule?: string | undefined }[];
  environment?: string;
  refreshSeconds?: number;
  now?: Date;
  stripRuns?: number;
  chartRuns?: number;
  failures?: number;
  /** Maps a stored artifact path to the link the page shows (the daemon: relative `artifacts/…`). @defaultValue as stored */
  artifactLink?: (path: string) => string;
  /** Fleet: the journey's location quorum as the alert policy sees it; undefined without one. */
  quorum?: (journey: string) => Promise<QuorumView | undefined>;
  exposure?: string | undefined;
}

const HOUR_MS = 3_600_000;

/**
 * What the page reads, handed to it (the daemon's store, `prober report`'s history): the page opens nothing itself.
 * Judged runs since `since`: pass/degraded/flaky are up, fail down, error neither.
 */
export interface RunHistory {
  listJourneys(): Promise<string[]>;
  listRuns(query: { journey?: string | undefined; limit: number }): Promise<RunResult[]>;
  uptime(journey: string, since: Date): Promise<{ up: number; down: number }>;
}

export async function buildStatusModel(store: RunHistory, options: ModelOptions = {}): Promise<StatusPageModel> {
  const now = options.now ?? new Date();
  const stripRuns = options.stripRuns ?? 90;
  const chartRuns = Math.min(options.chartRuns ?? 60, stripRuns);
  const configured = new Map((options.configured ?? []).map((c) => [c.journey, c]));
  const names = [...new Set([...configured.keys(), ...(await store.listJourneys())])].sort();
  let environment = options.environment;
  const journeys: JourneyPanel[] = [];
  for (const name of names) {
    const docs = await store.listRuns({ journey: name, limit: stripRuns });
    environment ??= docs[0]?.environment;
    const results = docs.flatMap((d) => pick(d, name)).reverse();
    const latest = results.at(-1);
    const [day, week] = await Promise.all([
      store.uptime(name, new Date(now.getTime() - 24 * HOUR_MS)),
      store.uptime(name, new Date(now.getTime() - 7 * 24 * HOUR_MS)),
    ]);
    journeys.push({
      journey: name,
      description: latest?.description ?? configured.get(name)?.description ?? '',
      schedule: configured.get(name)?.schedule,
      status: latest?.status ?? 'unknown',
      verdict: latest?.verdict ?? 'No run recorded yet',
      lastRunAt: latest?.startedAt,
      uptime24h: ratio(day),
      uptime7d: ratio(week),
      runs: results.map((r) => ({
        runId: r.runId,
        status: r.status,
        startedAt: r.startedAt,
        durationMs: r.durationMs,
      })),
      latency: stepSeries(results.slice(-chartRuns)),
      failedRuns: failedRunIndexes(results.slice(-chartRuns)),
      failures: failureRows(results, options.failures ?? 5).map((f) =>
        options.artifactLink === undefined
          ? f
          : { ...f, artifacts: f.artifacts.map((a) => onReplica(options.artifactLink!(a), f.artifactsUrl)) },
      ),
      locations: latestByLocation(results),
      quorum: await options.quorum?.(name),
    });
  }
  return {
    environment: environment ?? 'unknown',
    generatedAt: now.toISOString(),
    ...(options.refreshSeconds === undefined ? {} : { refreshSeconds: options.refreshSeconds }),
    journeys,
    ...(options.exposure === undefined ? {} : { exposure: options.exposure }),
  };
}

type Picked = JourneyResult & { runId: string; location?: string | undefined; artifactsUrl?: string | undefined };

function pick(doc: RunResult, journey: string): Picked[] {
  return doc.journeys
    .filter((j) => j.journey === journey)
    .map((j) => ({ ...j, runId: doc.runId, location: doc.location, artifactsUrl: doc.artifactsUrl }));
}

/** A relative artifact link made absolute on the replica that wrote it (fleet); one box keeps it relative. */
function onReplica(link: string, artifactsUrl: string | undefined): string {
  if (artifactsUrl === undefined || !link.startsWith('artifacts/')) return link;
  return new URL(link, artifactsUrl.endsWith('/') ? artifactsUrl : `${artifactsUrl}/`).href;
}

/** `results` oldest first: the last one seen per location is its latest. */
function latestByLocation(results: readonly Picked[]): LocationMark[] {
  const latest = new Map<string, LocationMark>();
  for (const r of results)
    if (r.location !== undefined)
      latest.set(r.location, { location: r.location, status: r.status, verdict: r.verdict, startedAt: r.startedAt });
  return [...latest.values()].sort((a, b) => a.location.localeCompare(b.location));
}

function ratio(c: { up: number; down: number }): number | undefined {
  const judged = c.up + c.down;
  return judged === 0 ? undefined : c.up / judged;
}

/** Step order follows the journey definition as the latest run reports it; steps seen only earlier go last. */
export function stepSeries(results: readonly JourneyResult[]): StepSeries[] {
  const order = new Map<string, string>();
  for (const r of [...results].reverse()) for (const s of r.steps) if (!order.has(s.name)) order.set(s.name, s.service);
  return [...order].map(([step, service]) => {
    const points = results.map((r) => {
      // A failed run's timings are not latency: a login refused at once would read as the service getting faster.
      if (failedRun(r)) return null;
      const s = r.steps.find((x) => x.name === step);
      return s === undefined || s.status === 'skipped' ? null : s.durationMs;
    });
    const ran = points.filter((p): p is number => p !== null);
    return { step, service, points, p50: percentile(ran, 50), p95: percentile(ran, 95) };
  });
}

const failedRun = (r: JourneyResult): boolean => r.status === 'fail' || r.status === 'error';

/** Where the chart marks a failed run instead of plotting it. */
export function failedRunIndexes(results: readonly JourneyResult[]): number[] {
  return results.flatMap((r, i) => (failedRun(r) ? [i] : []));
}

/** Nearest-rank percentile: always one of the observed values, so the annotation matches a point on the chart. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function failureRows(results: readonly Picked[], limit: number): FailureRow[] {
  return results
    .filter((r) => r.failure !== undefined)
    .reverse()
    .slice(0, limit)
    .map((r) => {
      const f = r.failure!;
      return {
        runId: r.runId,
        startedAt: r.startedAt,
        status: r.status,
        step: f.step,
        service: f.service,
        category: f.category,
        message: f.message,
        // Screenshots and traces of any step of the run (the failing step's first).
        artifacts: [
          ...new Set(
            r.steps
              .filter((s) => s.name === f.step)
              .concat(r.steps)
              .flatMap((s) => s.artifacts ?? []),
          ),
        ],
        ...(r.location === undefined ? {} : { location: r.location }),
        ...(r.artifactsUrl === undefined ? {} : { artifactsUrl: r.artifactsUrl }),
      };
    });
}
