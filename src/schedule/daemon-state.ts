import type { Parts } from './daemon-parts.js';
import { interruptedRunResult } from './interrupted-run.js';

// The state a daemon takes over from the last start (or from a dead replica): interrupted runs, metrics, retention.

/** Runs cut short by the last process become `aborted`, metrics resume, old runs go, blocked runs are recorded. */
export async function restore(parts: Parts): Promise<void> {
  const { recording, prober, planned } = parts;
  await recoverInterrupted(parts);
  for (const p of planned) {
    const [latest] = await recording.store.listRuns({ journey: p.def.name, limit: 1 });
    if (latest !== undefined) parts.metrics.restore(latest);
  }
  await prune(parts);
  await recording.retired;
  await parts.wiring.recordBlockedRuns(prober.sinks, prober.sinkFailed);
}

export function prune({ loaded, recording, prober }: Parts): Promise<unknown> {
  const { retentionDays, maxRunsPerJourney } = loaded.config.store;
  return recording.store.prune({ maxAgeDays: retentionDays, maxRunsPerJourney }).then(
    (n) => n > 0 && prober.log.info({ removed: n }, 'store/pruned'),
    (err: unknown) => prober.log.error({ err: String(err) }, 'store/prune-failed'),
  );
}

/** Markers left by a process that died mid-run become `aborted` results, once (the marker is removed). */
export async function recoverInterrupted({ loaded, prober, recording, wiring }: Parts): Promise<void> {
  for (const marker of await recording.store.takeInFlight()) {
    if (wiring.owns(marker.runId)) continue; // it blocked the event loop: recorded as error/prober instead
    const def = loaded.journeys.find((j) => j.name === marker.journey);
    // The dead run's own location (a shared store keeps it), else this process's (one box: the same).
    const location = marker.location ?? prober.base.location;
    await recording.store.saveRun({
      ...interruptedRunResult(marker, def),
      ...(location === undefined ? {} : { location }),
    });
    prober.log.warn(
      { runId: marker.runId, journey: marker.journey, step: marker.step?.name },
      'run/recovered-as-aborted',
    );
  }
}
