import { resolve } from 'node:path';
import { envRefName } from '../config/env-refs.js';
import { ProberSetupError } from '../journey/errors.js';
import type { RunStore } from './run-store.js';

export type StoreTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/**
 * Where the state lives: `--store` (a path or a postgres:// URL) beats `store.url` beats `store.path`.
 * `${env:NAME}` is resolved here, at the edge; the resolved URL is returned as a secret for the redactor.
 */
export function storeTarget(
  config: { path: string; url?: string | undefined },
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): { target: StoreTarget; secrets: string[] } {
  const chosen = flag ?? config.url;
  if (chosen === undefined) return { target: { kind: 'sqlite', path: resolve(config.path) }, secrets: [] };
  const ref = envRefName(chosen);
  const source = flag === undefined ? 'store.url' : '--store';
  let url = chosen;
  if (ref !== undefined) {
    const value = env[ref];
    if (value === undefined || value === '')
      throw new ProberSetupError([`${source}: environment variable ${ref} is not set; export it before starting`]);
    url = value;
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    if (ref !== undefined || flag === undefined) throw new ProberSetupError([`${source}: expected a postgres:// URL`]);
    return { target: { kind: 'sqlite', path: resolve(url) }, secrets: [] };
  }
  return { target: { kind: 'postgres', url }, secrets: [url, ...passwordOf(url)] };
}

function passwordOf(url: string): string[] {
  try {
    const pw = decodeURIComponent(new URL(url).password);
    return pw === '' ? [] : [pw];
  } catch {
    return [];
  }
}

/** What the startup table and logs say about the store: never the password. */
export function storeLabel(target: StoreTarget): string {
  if (target.kind === 'sqlite') return target.path;
  try {
    const u = new URL(target.url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}

/**
 * Statements wait at most this long for another process's lock, synchronously (better-sqlite3 blocks the event
 * loop while it waits); ResilientStore then retries asynchronously, and holds the write if the lock stays.
 */
export const SHORT_BUSY_TIMEOUT_MS = 5;

export interface OpenStoreOptions {
  onInvalid?: (runId: string, problem: string) => void;
  /** SQLite: how long a statement may wait for a lock synchronously. @defaultValue 5000 */
  busyTimeoutMs?: number;
  onError?: (err: Error) => void;
}

/**
 * Opens the store; a store that cannot be reached is a setup problem (exit 2) with one line saying which. Each
 * driver is loaded only here, when chosen: `pg` costs a cold `prober run` tens of ms and SQLite a native addon.
 */
export async function openStore(target: StoreTarget, options: OpenStoreOptions = {}): Promise<RunStore> {
  if (target.kind === 'sqlite') return new (await import('./sqlite-run-store.js')).SqliteRunStore(target.path, options);
  try {
    return await (await import('./postgres-run-store.js')).PostgresRunStore.open(target.url, options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ProberSetupError([
      `store: cannot open Postgres at ${storeLabel(target)}: ${code ?? (err instanceof Error ? err.message : String(err))}`,
    ]);
  }
}
