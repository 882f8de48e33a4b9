import type { Logger } from '../log.js';
import { DEFAULT_LOCATION } from '../report/metrics.js';
import type { StateStore } from '../store/state-store.js';

/** Decides whether this replica runs a tick; `runId` becomes the run's id, so the claim row names the run. */
export type TickClaimer = (journey: string, slot: Date, runId: string) => Promise<boolean>;

/**
 * For a store shared by replicas (it has `claimTick`): exactly one replica runs each tick of a journey in a location.
 * Undefined for a store one process owns (SQLite): every tick is ours.
 * Fail-open: when the store cannot be asked, the tick runs anyway (probing never stops for a storage fault; at
 * worst two replicas run that tick, which the log says). node-cron's own RunCoordinator is fail-closed (a store
 * outage would stop every replica from probing), and it cannot name the run, so the claim is made here.
 */
export function tickClaimer(
  store: StateStore,
  where: { environment: string; location: string | undefined },
  log: Logger,
): TickClaimer | undefined {
  const claim = store.claimTick?.bind(store);
  if (claim === undefined) return undefined;
  const location = where.location ?? DEFAULT_LOCATION;
  return async (journey, slot, runId) => {
    try {
      const won = await claim({ environment: where.environment, location, journey, slotMs: slot.getTime(), runId });
      if (!won) log.debug({ journey, slot: slot.toISOString() }, 'tick/claimed-elsewhere');
      return won;
    } catch (err) {
      log.warn(
        { journey, slot: slot.toISOString(), err: err instanceof Error ? err.message : String(err) },
        'tick/claim-failed: running it here (another replica may run it too)',
      );
      return true;
    }
  };
}
