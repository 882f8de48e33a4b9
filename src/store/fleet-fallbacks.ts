import type { RunStore } from './run-store.js';

type FleetMethods = Pick<RunStore, 'claimTick' | 'claimOutbox' | 'exclusive'>;

/**
 * A fleet store's claims and locks, as ResilientStore offers them (present only when the inner store has them). A
 * store that cannot answer must not stop probing or alerting: a failed claim lets this replica run the tick or
 * deliver (a duplicate beats a gap), and a lock the failing store cannot give runs the work unlocked.
 */
export function fleetFallbacks(
  inner: RunStore,
  failing: () => boolean,
  onClaimError: (err: unknown) => void,
): FleetMethods {
  const { claimTick, claimOutbox, exclusive } = inner;
  const claimed = (err: unknown) => {
    onClaimError(err);
    return true;
  };
  return {
    ...(exclusive === undefined
      ? {}
      : {
          exclusive: <T>(name: string, work: () => Promise<T>) =>
            failing() ? work() : (exclusive.call(inner, name, work) as Promise<T>),
        }),
    ...(claimTick === undefined ? {} : { claimTick: (tick) => claimTick.call(inner, tick).catch(claimed) }),
    ...(claimOutbox === undefined
      ? {}
      : { claimOutbox: (id, leaseMs) => claimOutbox.call(inner, id, leaseMs).catch(claimed) }),
  };
}
