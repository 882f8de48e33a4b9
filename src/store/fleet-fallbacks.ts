import type { AlertLockScope, StateStore } from './state-store.js';

const NOT_NOW = { locked: false } as const;

type FleetMethods = Pick<StateStore, 'claimTick' | 'claimOutbox' | 'withAlertLocks'>;

/**
 * A fleet store's claims and locks, as ResilientStore offers them (present only when the inner store has them). A
 * store that cannot answer must not stop probing: a failed claim lets this replica run the tick or deliver (a
 * duplicate run or attempt beats a gap; a delivery keeps its id). Alert locks are the exception: a lock the store
 * cannot give is "not now" (the evaluation waits for a later run), never a reason to evaluate unlocked, because
 * every replica of a fleet evaluating alone on its own memory is how one incident pages once per replica.
 */
export function fleetFallbacks(
  inner: StateStore,
  failing: () => boolean,
  onClaimError: (err: unknown) => void,
): FleetMethods {
  const { claimTick, claimOutbox, withAlertLocks } = inner;
  const claimed = (err: unknown) => {
    onClaimError(err);
    return true;
  };
  const notNow = (err: unknown): { locked: false } => {
    onClaimError(err);
    return { locked: false };
  };
  const locks: StateStore['withAlertLocks'] =
    withAlertLocks === undefined
      ? undefined
      : <T>(keys: readonly string[], work: (scope: AlertLockScope) => Promise<T>) =>
          failing()
            ? Promise.resolve(NOT_NOW)
            : withAlertLocks
                .call<
                  StateStore,
                  [readonly string[], (scope: AlertLockScope) => Promise<T>],
                  Promise<{ locked: true; value: T } | { locked: false }>
                >(inner, keys, work)
                .catch(notNow);
  return {
    ...(locks === undefined ? {} : { withAlertLocks: locks }),
    ...(claimTick === undefined ? {} : { claimTick: (tick) => claimTick.call(inner, tick).catch(claimed) }),
    ...(claimOutbox === undefined
      ? {}
      : { claimOutbox: (id, leaseMs) => claimOutbox.call(inner, id, leaseMs).catch(claimed) }),
  };
}
