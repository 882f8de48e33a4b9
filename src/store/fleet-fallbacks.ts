import type { AlertLockScope, StateStore, StoreBatch } from './state-store.js';

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
  /** A batch committed in a lock's transaction (its runs need no second write from the store sink). */
  onLockedWrite: (batch: StoreBatch) => void = () => undefined,
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
  const locks =
    withAlertLocks === undefined ? undefined : lockedOrNotNow(inner, withAlertLocks, failing, notNow, onLockedWrite);
  return {
    ...(locks === undefined ? {} : { withAlertLocks: locks }),
    ...(claimTick === undefined ? {} : { claimTick: (tick) => claimTick.call(inner, tick).catch(claimed) }),
    ...(claimOutbox === undefined
      ? {}
      : { claimOutbox: (id, leaseMs) => claimOutbox.call(inner, id, leaseMs).catch(claimed) }),
  };
}

type WithAlertLocks = NonNullable<StateStore['withAlertLocks']>;

/** The inner store's alert locks: "not now" while the store fails or when it errs; a committed write reported. */
function lockedOrNotNow(
  inner: StateStore,
  withAlertLocks: WithAlertLocks,
  failing: () => boolean,
  notNow: (err: unknown) => { locked: false },
  onLockedWrite: (batch: StoreBatch) => void,
): WithAlertLocks {
  return async <T>(keys: readonly string[], work: (scope: AlertLockScope) => Promise<T>) => {
    if (failing()) return NOT_NOW;
    let written: StoreBatch | undefined;
    const reporting = (scope: AlertLockScope): AlertLockScope => ({
      ...scope,
      write: (batch) => {
        written = batch;
        scope.write(batch);
      },
    });
    try {
      const done = await withAlertLocks.call(inner, keys, (scope) => work(reporting(scope)));
      if (done.locked && written !== undefined) onLockedWrite(written);
      return done as { locked: true; value: T } | { locked: false };
    } catch (err) {
      return notNow(err);
    }
  };
}
