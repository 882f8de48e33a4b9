import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CATEGORIES, JourneyStatus, type RunResult } from '../journey/result-schema.js';
import { PROBER_VERSION } from '../version.js';
import { stallCounter } from './stall-metric.js';

/** Why a scheduled tick did not start a run (`prober_ticks_skipped_total{reason}`). */
export type SkipReason = 'overlap' | 'missed';

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
  readonly registry = new Registry();
  private readonly up: Gauge<'journey'>;
  private readonly journeyDuration: Histogram<'journey'>;
  private readonly stepDuration: Histogram<'journey' | 'step' | 'service'>;
  private readonly stepFailures: Counter<'journey' | 'step' | 'service' | 'category'>;
  private readonly runs: Counter<'journey' | 'status'>;
  private readonly skipped: Counter<'reason'>;
  private readonly lastRun: Gauge<'journey'>;
  private readonly tickLag: Histogram;
  private readonly storeErrors: Counter<'operation'>;
  private readonly interval: Gauge<'journey'>;
  private readonly storeUp: Gauge;
  private readonly sinkFailures: Counter<'sink'>;
  private readonly stepStall = stallCounter();

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.registry.registerMetric(this.stepStall);
    this.registry.setDefaultLabels({
      environment: options.environment ?? 'unknown',
      location: options.location ?? DEFAULT_LOCATION,
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.up = new Gauge({
      name: 'prober_journey_up',
      help: '1 when the last judged run passed (or was degraded), 0 when it failed; runs that could not judge leave it unchanged',
      labelNames: ['journey'],
      registers,
    });
    this.journeyDuration = new Histogram({
      name: 'prober_journey_duration_seconds',
      help: 'Duration of journey runs',
      labelNames: ['journey'],
      buckets: JOURNEY_BUCKETS,
      registers,
    });
    this.stepDuration = new Histogram({
      name: 'prober_step_duration_seconds',
      help: 'Duration of steps that ran (skipped steps are not observed)',
      labelNames: ['journey', 'step', 'service'],
      buckets: STEP_BUCKETS,
      registers,
    });
    this.stepFailures = new Counter({
      name: 'prober_step_failures_total',
      help: 'Steps that failed or could not be judged, by contract category',
      labelNames: ['journey', 'step', 'service', 'category'],
      registers,
    });
    this.runs = new Counter({
      name: 'prober_runs_total',
      help: 'Journey runs by status',
      labelNames: ['journey', 'status'],
      registers,
    });
    this.skipped = new Counter({
      name: 'prober_ticks_skipped_total',
      help: 'Scheduled ticks that started no run: overlap (the previous run was still going) or missed (the process stalled)',
      labelNames: ['reason'],
      registers,
    });
    this.lastRun = new Gauge({
      name: 'prober_last_run_timestamp_seconds',
      help: 'Unix time at which the last run of the journey finished',
      labelNames: ['journey'],
      registers,
    });
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
    this.interval = new Gauge({
      name: 'prober_journey_interval_seconds',
      help: 'Seconds between scheduled runs of the journey (from its cron schedule)',
      labelNames: ['journey'],
      registers,
    });
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
    for (const status of JourneyStatus.options) this.runs.inc({ journey: k.journey, status }, 0);
    for (const s of k.steps) {
      for (const category of CATEGORIES)
        this.stepFailures.inc({ journey: k.journey, step: s.name, service: s.service, category }, 0);
      this.stepStall.inc({ journey: k.journey, step: s.name, service: s.service }, 0);
    }
    if (k.intervalSeconds !== undefined) this.interval.set({ journey: k.journey }, k.intervalSeconds);
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
      this.runs.inc({ journey: j.journey, status: j.status });
      this.journeyDuration.observe({ journey: j.journey }, j.durationMs / 1000);
      if (j.status !== 'error') this.up.set({ journey: j.journey }, j.status === 'fail' ? 0 : 1);
      const finished = Date.parse(j.startedAt) + j.durationMs;
      this.lastRun.set({ journey: j.journey }, Math.round(finished) / 1000);
      for (const s of j.steps) {
        if (s.status === 'skipped') continue;
        const labels = { journey: j.journey, step: s.name, service: s.service };
        this.stepDuration.observe(labels, s.durationMs / 1000);
        if (s.evidence?.stallMs !== undefined) this.stepStall.inc(labels, s.evidence.stallMs / 1000);
        if (s.error !== undefined && (s.status === 'fail' || s.status === 'error'))
          this.stepFailures.inc({ ...labels, category: s.error.category });
      }
    }
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
