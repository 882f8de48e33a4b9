import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../log.js';
import type { HoldLimits } from './held-writes.js';

// How ResilientStore tells a busy store from a failing one, and what it is told and reports about either.

export interface ResilientStoreOptions {
  label: string;
  log: Logger;
  /** Every failed store operation (`prober_store_errors_total{operation}`). */
  onError?: (operation: StoreOperationName) => void;
  onHealthChange?: (health: StoreHealth) => void;
  /** Backoff between attempts to write what is held. @defaultValue 500 ms doubling to 5 s */
  retry?: { initialMs: number; maxMs: number };
  /** Asynchronous waits before a locked store counts as failing (the synchronous busy timeout stays a few ms). */
  busyWaitsMs?: readonly number[];
  limits?: HoldLimits;
}

/** What `/healthz`, the metrics and the `prober:` alert know about the store. */
export interface StoreHealth {
  ok: boolean;
  /** Where the store is (a file path, a database URL without credentials). */
  store: string;
  error?: string | undefined;
  since?: string | undefined;
  held: { runs: number; alertStates: number; notifications: number };
  /** Runs dropped from memory because the outage outlasted the bound. */
  dropped: number;
}

/** The `operation` label values: the names the metrics pre-initialise. */
export type StoreOperationName = 'save' | 'in_flight' | 'prune' | 'read' | 'check' | 'repair';

/** SQLite's "someone else holds the lock" codes: worth an asynchronous wait and another try, not a failure yet. */
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED']);

/** `SQLITE_FULL: database or disk is full`: the code first, so a log search and the health document agree. */
export function describe(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/**
 * Runs a write, waiting asynchronously and trying again while the store is only busy (another process holds the
 * lock): the inner store's synchronous busy timeout stays a few ms so nothing blocks the event loop.
 */
export async function withBusyWaits(waitsMs: readonly number[] | undefined, write: () => Promise<void>): Promise<void> {
  for (const wait of [...(waitsMs ?? [25, 50, 100, 200]), undefined]) {
    try {
      return await write();
    } catch (err) {
      if (wait === undefined || !BUSY_CODES.has(String((err as { code?: unknown }).code))) throw err;
      await delay(wait);
    }
  }
}
