import type { AlertRecorder } from '../alert/alert-recorder.js';
import type { RunResult } from '../journey/result-schema.js';
import type { Logger } from '../log.js';
import type { ProberMetrics } from '../report/metrics.js';
import type { Reporter } from '../report/reporter.js';
import type { ResilientStore } from '../store/resilient-store.js';
import type { Sink } from './sink.js';

/**
 * Every outlet of a run, built in this one place for `run`, `demo` and `schedule`, in the order they are written:
 * metrics, alerting + store (one transaction), reporters, delivery, the log line. What differs between the
 * commands is only which outlets exist (the daemon has metrics and a background deliverer, the CLI reporters).
 */
export interface SinkSetup {
  log: Logger;
  metrics?: ProberMetrics | undefined;
  /** The store (always wrapped: a failing store holds results instead of throwing) and the alert recorder over it. */
  record?: { store: ResilientStore; alerts: AlertRecorder } | undefined;
  reporters?: readonly { reporter: Reporter; where?: string | undefined }[] | undefined;
  /** Further outlets (OTLP export), written after the reporters. */
  others?: readonly Sink[] | undefined;
  /** The CLI delivers what alerting queued before it exits (bounded); the daemon's deliverer runs in the background. */
  deliver?: (() => Promise<void>) | undefined;
}

export function buildSinks(setup: SinkSetup): Sink[] {
  const sinks: Sink[] = [];
  const { metrics, record } = setup;
  if (metrics !== undefined) sinks.push({ name: 'metrics', write: async (r) => metrics.observeRun(r) });
  if (record !== undefined) {
    const where = record.store.health().store;
    // The run and the alert-state step it causes are committed together (AlertRecorder.record).
    sinks.push({ name: 'alerting', where, write: async (r) => void (await record.alerts.record(r)) });
    // Idempotent by run id: a no-op after `alerting` held or wrote the run, the only write when alerting failed.
    sinks.push({
      name: 'store',
      where,
      write: async (r) => {
        const written = await record.store.commitOrHold({ runs: [r] });
        if (!written)
          throw new Error(`not written, held in memory: ${record.store.health().error ?? 'the store is failing'}`);
      },
    });
  }
  for (const { reporter, where } of setup.reporters ?? [])
    sinks.push({ name: reporter.name, where, write: (r) => reporter.report(r) });
  sinks.push(...(setup.others ?? []));
  if (setup.deliver !== undefined) {
    const deliver = setup.deliver;
    sinks.push({ name: 'delivery', write: () => deliver() });
  }
  sinks.push({ name: 'log', write: async (r) => logRunEnd(setup.log, r) });
  return sinks;
}

/**
 * `run/end`: one info line per run, in every command. A one-journey run (every scheduled run) carries that
 * journey's verdict and failure at the top level, so a log search needs no array handling.
 */
export function logRunEnd(log: Logger, result: RunResult): void {
  const journeys = result.journeys.map((j) => ({
    journey: j.journey,
    status: j.status,
    durationMs: j.durationMs,
    verdict: j.verdict,
    ...(j.failure === undefined
      ? {}
      : { step: j.failure.step, service: j.failure.service, category: j.failure.category }),
  }));
  const [only] = journeys;
  log.info(
    {
      runId: result.runId,
      ...(journeys.length === 1 && only !== undefined ? only : { journeys }),
      status: result.status,
      durationMs: result.durationMs,
      summary: result.summary,
    },
    'run/end',
  );
}
