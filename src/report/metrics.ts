import { collectDefaultMetrics, Counter, Gauge, Histogram } from 'prom-client';
import { CATEGORIES, JourneyStatus, type RunResult } from '../journey/result-schema.js';
import { PROBER_VERSION } from '../version.js';
import { HistogramFamily, ProberRegistry, ValueFamily, type HistogramChild, type ValueChild } from './metric-family.js';
import { stallCounter } from './stall-metric.js';

/** Why a scheduled tick did not start a run (`prober_ticks_skipped_total{reason}`). */
export type SkipReason = 'overlap' | 'missed';

interface StepSeries {
  duration: HistogramChild;
  stall: ValueChild;
  failures: Map<string, ValueChild>;
}

interface JourneySeries {
  runs: Map<string, ValueChild>;
  duration: HistogramChild;
  steps: Map<string, StepSeries>;
}

/** Journeys span ~50 ms (API on loopback) to ~45 s (a slow browser path under its budget). */
const JOURNEY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 45, 60];
const STEP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20];
export const STORE_OPERATIONS = ['save', 'in_flight', 'alert_state', 'prune', 'read', 'check', 'repair'] as const;
export type StoreOperation = (typeof STORE_OPERATIONS)[number];
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/** A journey the daemon will run, so its series exist (at 0) before its first run: `increase()` sees the first failure. */
export interface KnownJourney {
  journey: string;
  steps: readonly { name: string; service: string }[];
  /** The schedule's interval, exported as `prober_journey_interval_seconds` for the dead-prober rule. */
  intervalSeconds?: number | undefined;
}

export interface MetricsOptions {
  defaultMetrics?: boolean;
  /** Put on every series of this registry as labels, so a fleet's metrics can be told apart and aggregated. */
  environment?: string;
  /** @defaultValue {@link DEFAULT_LOCATION} */
  location?: string;
  known?: readonly KnownJourney[];
}

/** The location of a prober that was given none: one box, one place. */
export const DEFAULT_LOCATION = 'default';

/**
 * The daemon's Prometheus metrics, on a registry of its own (never prom-client's global one) so several
 * daemons in one test process, or a library user, do not collide. Names and labels are a contract (README).
 * `environment` and `location` are registry-wide default labels: every series carries them (deploy/prometheus rules
 * aggregate by them), including the process and alert-delivery metrics.
 */
export class ProberMetrics {
  readonly registry = new ProberRegistry();
  private readonly up = new ValueFamily(
    'prober_journey_up',
    '1 when the last judged run passed (or was degraded), 0 when it failed; runs that could not judge leave it unchanged',
    'gauge',
    ['journey'],
  );
  private readonly journeyDuration = new HistogramFamily(
    'prober_journey_duration_seconds',
    'Duration of journey runs',
    ['journey'],
    JOURNEY_BUCKETS,
  );
  private readonly stepDuration = new HistogramFamily(
    'prober_step_duration_seconds',
    'Duration of steps that ran (skipped steps are not observed)',
    ['journey', 'step', 'service'],
    STEP_BUCKETS,
  );
  private readonly stepFailures = new ValueFamily(
    'prober_step_failures_total',
    'Steps that failed or could not be judged, by contract category',
    'counter',
    ['journey', 'step', 'service', 'category'],
  );
  private readonly runs = new ValueFamily('prober_runs_total', 'Journey runs by status', 'counter', [
    'journey',
    'status',
  ]);
  private readonly skipped: Counter<'reason'>;
  private readonly lastRun = new ValueFamily(
    'prober_last_run_timestamp_seconds',
    'Unix time at which the last run of the journey finished',
    'gauge',
    ['journey'],
  );
  private readonly tickLag: Histogram;
  private readonly storeErrors: Counter<'operation'>;
  private readonly interval = new ValueFamily(
    'prober_journey_interval_seconds',
    'Seconds between scheduled runs of the journey (from its cron schedule)',
    'gauge',
    ['journey'],
  );
  private readonly storeUp: Gauge;
  private readonly sinkFailures: Counter<'sink'>;
  private readonly stepStall = stallCounter();
  /** Each journey's series, looked up once per run instead of once per observation. */
  private readonly series = new Map<string, JourneySeries>();

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.registry.register(this.stepStall);
    this.registry.setDefaultLabels({
      environment: options.environment ?? 'unknown',
      location: options.location ?? DEFAULT_LOCATION,
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    for (const f of [this.up, this.journeyDuration, this.stepDuration, this.stepFailures, this.runs])
      this.registry.register(f);
    this.skipped = new Counter({
      name: 'prober_ticks_skipped_total',
      help: 'Scheduled ticks that started no run: overlap (the previous run was still going) or missed (the process stalled)',
      labelNames: ['reason'],
      registers,
    });
    this.registry.register(this.lastRun);
    this.tickLag = new Histogram({
      name: 'prober_tick_lag_seconds',
      help: 'Delay between a scheduled tick and the scheduler noticing it (before start jitter)',
      buckets: LAG_BUCKETS,
      registers,
    });
    this.storeErrors = new Counter({
      name: 'prober_store_errors_total',
      help: 'State-store operations that failed (save, in-flight marker, alert state, prune)',
      labelNames: ['operation'],
      registers,
    });
    this.registry.register(this.interval);
    this.storeUp = new Gauge({
      name: 'prober_store_up',
      help: '1 while the state store takes writes, 0 while results are held in memory',
      registers,
    });
    this.storeUp.set(1);
    this.sinkFailures = new Counter({
      name: 'prober_sink_failures_total',
      help: 'Outlets of a finished run (metrics, alerting, store, log) that failed; the others still ran',
      labelNames: ['sink'],
      registers,
    });
    new Gauge({
      name: 'prober_build_info',
      help: 'Always 1; the labels say which prober and Node.js versions run here',
      labelNames: ['version', 'node_version'],
      registers,
    }).set({ version: PROBER_VERSION, node_version: process.versions.node }, 1);
    // Present from the first scrape, so `rate()` and absence alerts work before anything was skipped.
    for (const reason of ['overlap', 'missed'] as const) this.skipped.inc({ reason }, 0);
    for (const operation of STORE_OPERATIONS) this.storeErrors.inc({ operation }, 0);
    for (const k of options.known ?? []) this.preinitialise(k);
  }

  /**
   * A counter that appears only at its first increment hides that increment from `increase()` (there is no earlier
   * sample to compare with), so every status and every step × category starts at 0.
   */
  private preinitialise(k: KnownJourney): void {
    const journey = k.journey;
    for (const status of JourneyStatus.options) this.runs.child({ journey, status });
    for (const s of k.steps) {
      for (const category of CATEGORIES)
        this.stepFailures.child({ journey, step: s.name, service: s.service, category });
      this.stepStall.child({ journey, step: s.name, service: s.service });
    }
    if (k.intervalSeconds !== undefined) this.interval.set({ journey }, k.intervalSeconds);
  }

  private journey(journey: string): JourneySeries {
    let js = this.series.get(journey);
    if (js === undefined) {
      js = { runs: new Map(), duration: this.journeyDuration.child({ journey }), steps: new Map() };
      this.series.set(journey, js);
    }
    return js;
  }

  /** A step's duration and stall series, made at its first run (skipped steps are not observed). */
  private step(js: JourneySeries, journey: string, step: string, service: string): StepSeries {
    const key = `${step}\u0000${service}`;
    let ss = js.steps.get(key);
    if (ss === undefined) {
      const labels = { journey, step, service };
      ss = { duration: this.stepDuration.child(labels), stall: this.stepStall.child(labels), failures: new Map() };
      js.steps.set(key, ss);
    }
    return ss;
  }

  /** A failed store operation: results keep flowing, the `ProberStoreErrors` rule fires. */
  storeError(operation: StoreOperation): void {
    this.storeErrors.inc({ operation });
  }

  storeHealthy(ok: boolean): void {
    this.storeUp.set(ok ? 1 : 0);
  }

  sinkFailed(sink: string): void {
    this.sinkFailures.inc({ sink });
  }

  /** Records every journey of a finished (already redacted) run. */
  observeRun(result: RunResult): void {
    for (const j of result.journeys) {
      const js = this.journey(j.journey);
      let runs = js.runs.get(j.status);
      if (runs === undefined) {
        runs = this.runs.child({ journey: j.journey, status: j.status });
        js.runs.set(j.status, runs);
      }
      runs.value += 1;
      this.journeyDuration.observe(js.duration, j.durationMs / 1000);
      if (j.status !== 'error') this.up.set({ journey: j.journey }, j.status === 'fail' ? 0 : 1);
      const finished = Date.parse(j.startedAt) + j.durationMs;
      this.lastRun.set({ journey: j.journey }, Math.round(finished) / 1000);
      for (const s of j.steps) {
        if (s.status === 'skipped') continue;
        const ss = this.step(js, j.journey, s.name, s.service);
        this.stepDuration.observe(ss.duration, s.durationMs / 1000);
        if (s.evidence?.stallMs !== undefined) ss.stall.value += s.evidence.stallMs / 1000;
        if (s.error !== undefined && (s.status === 'fail' || s.status === 'error')) this.stepFailed(ss, j.journey, s);
      }
    }
  }

  private stepFailed(
    ss: StepSeries,
    journey: string,
    s: { name: string; service: string; error?: { category: string } },
  ): void {
    const category = s.error?.category ?? 'prober';
    let child = ss.failures.get(category);
    if (child === undefined) {
      child = this.stepFailures.child({ journey, step: s.name, service: s.service, category });
      ss.failures.set(category, child);
    }
    child.value += 1;
  }

  /** After a restart, `up` and the last-run time come from the store instead of starting empty. */
  restore(latest: RunResult): void {
    for (const j of latest.journeys) {
      if (j.status !== 'error') this.up.set({ journey: j.journey }, j.status === 'fail' ? 0 : 1);
      this.lastRun.set({ journey: j.journey }, Math.round(Date.parse(j.startedAt) + j.durationMs) / 1000);
    }
  }

  tickSkipped(reason: SkipReason): void {
    this.skipped.inc({ reason });
  }

  observeTickLag(seconds: number): void {
    this.tickLag.observe(Math.max(0, seconds));
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
