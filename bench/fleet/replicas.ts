import type { JourneyDefinition } from '../../src/journey/define.js';
import type { RunResult } from '../../src/journey/result-schema.js';
import { assembleDaemon, type Parts } from '../../src/schedule/daemon-parts.js';
import { recoverInterrupted, restore } from '../../src/schedule/daemon-state.js';
import { runScheduledJourney, type JobDeps } from '../../src/schedule/journey-job.js';
import { tickClaimer, type TickClaimer } from '../../src/schedule/tick-claim.js';
import type { LoadedConfig } from '../../src/config/load-config.js';

/** How often the daemon looks for dead replicas' runs (daemon.ts RECOVER_EVERY_MS). */
const RECOVER_EVERY_MS = 5_000;

/**
 * One simulated replica: what `prober schedule` assembles (assembleDaemon: a PostgresRunStore with its default
 * pool budget inside a ResilientStore, the AlertRecorder and deliverer over it, the metrics and every sink), its
 * start-up (restore) and its background work (the outbox deliverer, the dead-replica recovery pass). What the bench
 * leaves out is the cron scheduler: the driver hands the replica its ticks, and each goes the way daemon.ts's
 * schedule() sends it, the claim (tickClaimer) and then runScheduledJourney. A replica here serves several
 * locations, each with the job deps a replica standing there has (its location in the run options).
 */
export interface Replica {
  claim(journey: string, location: string, slotMs: number, runId: string): Promise<boolean>;
  run(def: JourneyDefinition, location: string, runId: string): Promise<RunResult | undefined>;
  /** A counter of this replica's metrics, summed over its labels (deferred evaluations, sink failures). */
  counter(name: string): Promise<number>;
  close(): Promise<void>;
}

export async function startReplica(loaded: LoadedConfig, storeUrl: string): Promise<Replica> {
  const parts = await assembleDaemon(loaded, {
    store: storeUrl,
    logLevel: 'silent',
    host: '127.0.0.1',
    port: 0,
    print: () => undefined,
  });
  await restore(parts);
  parts.recording.alerting.deliverer.start();
  const recover = setInterval(() => void recoverInterrupted(parts).catch(() => undefined), RECOVER_EVERY_MS);
  const claimers = new Map<string, TickClaimer | undefined>();
  const deps = new Map<string, JobDeps>();
  const at = (location: string) => {
    if (!deps.has(location)) {
      const base = { ...parts.prober.base, location };
      claimers.set(
        location,
        tickClaimer(parts.recording.store, { environment: loaded.config.environment, location }, parts.prober.log),
      );
      deps.set(location, jobDeps(parts, base));
    }
    return { claimer: claimers.get(location), deps: deps.get(location)! };
  };
  return {
    claim: async (journey, location, slotMs, runId) => {
      const { claimer } = at(location);
      return claimer === undefined ? true : claimer(journey, new Date(slotMs), runId);
    },
    run: (def, location, runId) => runScheduledJourney(def, at(location).deps, runId),
    counter: async (name) => {
      const metric = parts.metrics.registry.getSingleMetric(name);
      const value = await metric?.get();
      return value?.values.reduce((n, v) => n + v.value, 0) ?? 0;
    },
    async close() {
      clearInterval(recover);
      await parts.recording.alerting.deliverer.stop();
      await parts.session.close();
      await parts.prober.close();
    },
  };
}

/** The job deps daemon.ts's schedule() builds, for one location. */
function jobDeps(parts: Parts, base: Parts['prober']['base']): JobDeps {
  return {
    loaded: parts.loaded,
    loopGuard: parts.quarantine,
    base,
    browser: { session: parts.session },
    store: parts.recording.store,
    sinks: parts.prober.sinks,
    onSinkFailure: parts.prober.sinkFailed,
    log: parts.prober.log,
    aborts: parts.aborts,
    cleanupAfterAbortMs: parts.loaded.config.scheduler.cleanupOnShutdownMs,
  };
}
