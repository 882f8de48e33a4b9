import { Gauge, type Registry } from 'prom-client';
import type { LoadedConfig } from '../config/load-config.js';
import type { Logger } from '../log.js';
import { writeToSinks, type Sink, type SinkFailure } from '../pipeline/sink.js';
import { LoopQuarantine } from './loop-quarantine.js';

/** A quarantined journey as `/healthz` shows it. */
export interface QuarantinedJourney {
  journey: string;
  since: string;
  step?: string | undefined;
  message: string;
}

/** What the daemon asks of the loop quarantine; without one (tests that start the daemon in-process) nothing is held. */
export interface QuarantineWiring {
  holds(journey: string): boolean;
  /** The `prober:` alert's condition text while `journey` is held. */
  reason(journey: string): string | undefined;
  /** The in-flight marker of this run is the quarantine's to record (as `error`/`prober`, not `aborted`). */
  owns(runId: string): boolean;
  /** Records the runs that blocked the loop before this start, once each, through every sink (store, alerting, metrics). */
  recordBlockedRuns(sinks: readonly Sink[], onSinkFailure: (f: SinkFailure) => void): Promise<void>;
  healthz(): QuarantinedJourney[];
}

/** Loads the quarantine at start (lifting journeys whose code changed) and exposes it as the daemon needs it. */
export function wireQuarantine(
  quarantine: LoopQuarantine | undefined,
  deps: { loaded: LoadedConfig; log: Logger; registry: Registry },
): QuarantineWiring {
  const { loaded, log } = deps;
  // A journey the config disables is lifted like a removed one: re-enabling it is the operator's way to clear it.
  const probed = loaded.journeys.filter((j) => loaded.config.journeys[j.name]?.enabled !== false);
  const { held, lifted } = quarantine?.load(probed) ?? { held: [], lifted: [] };
  for (const e of lifted)
    log.warn(
      { journey: e.journey, file: quarantine?.file },
      'quarantine/lifted: the journey that blocked the event loop has changed (or is gone); it is scheduled again',
    );
  for (const e of held)
    log.error(
      { journey: e.journey, step: e.step?.name, since: e.blockedAt, file: quarantine?.file },
      'quarantine/held: this journey blocked the event loop and is not scheduled; fix its code, or delete its entry to clear it',
    );
  const gauge = new Gauge({
    name: 'prober_journey_quarantined',
    help: '1 while a journey is quarantined for blocking the event loop (not scheduled)',
    labelNames: ['journey'],
    registers: [deps.registry],
  });
  for (const def of loaded.journeys) gauge.set({ journey: def.name }, quarantine?.holds(def.name) === true ? 1 : 0);
  const entry = (journey: string) => quarantine?.held().find((e) => e.journey === journey);
  return {
    holds: (journey) => entry(journey) !== undefined,
    reason: (journey) => {
      const e = entry(journey);
      return e === undefined ? undefined : LoopQuarantine.describe(e);
    },
    owns: (runId) => quarantine?.owns(runId) === true,
    async recordBlockedRuns(sinks, onSinkFailure) {
      if (quarantine === undefined) return;
      for (const result of quarantine.unrecorded(loaded.journeys)) {
        await writeToSinks(sinks, result, onSinkFailure);
        quarantine.markRecorded(result.runId);
        log.error({ runId: result.runId, journey: result.journeys[0]?.journey }, 'run/recorded-as-blocked');
      }
    },
    healthz: () =>
      (quarantine?.held() ?? []).map((e) => ({
        journey: e.journey,
        since: e.blockedAt,
        step: e.step?.name,
        message: LoopQuarantine.describe(e),
      })),
  };
}
