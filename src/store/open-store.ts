import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { envRefName } from '../config/env-refs.js';
import { ProberSetupError, problem, setupError } from '../config/problems.js';
import type { StateStore } from './state-store.js';

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
      throw setupError(source, `environment variable ${ref} is not set`, 'export it before starting');
    url = value;
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    if (ref !== undefined || flag === undefined) throw setupError(source, 'expected a postgres:// URL');
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
  /** SQLite: how long opening (and upgrading the schema) may wait for a lock synchronously. @defaultValue 5000 */
  openBusyTimeoutMs?: number;
  onError?: (err: Error) => void;
  /** SQLite: on a thread of its own (the daemon), so no statement blocks the event loop that times journeys. */
  offThread?: boolean;
}

/**
 * A store that could not be opened, with the one line that says where it is and why: `prober run` prints it and
 * still gives its verdict (with an exit code of its own), the daemon keeps probing and retries the open.
 */
export class StoreOpenError extends ProberSetupError {
  constructor(
    readonly target: StoreTarget,
    readonly reason: string,
  ) {
    const where = target.kind === 'sqlite' ? `the SQLite store at ${target.path}` : `Postgres at ${storeLabel(target)}`;
    super([problem('store', `cannot open ${where}: ${reason}`)]);
    this.name = 'StoreOpenError';
  }
}

export function isStoreOpenError(err: unknown): err is StoreOpenError {
  return err instanceof StoreOpenError;
}

/**
 * Why an open failed, in words a user acts on, with the driver's code kept for a log search (pure: tested as a
 * table). Only codes are matched, except the schema check, whose own message already says what happened.
 */
export function openFailureReason(err: unknown, where: StoreFileFacts = {}): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const raw = typeof code === 'string' ? `${code}: ${message}` : message;
  // SQLite says CANTOPEN for a directory and for a read-only folder alike (WAL must create its -shm file there).
  if (code === 'SQLITE_CANTOPEN' && where.directory === true) return `it is a directory, not a database file (${raw})`;
  if (code === 'SQLITE_CANTOPEN' && where.folderNotWritable !== undefined)
    return `it cannot be written (read-only file system or no permission: ${where.folderNotWritable}) (${raw})`;
  switch (code) {
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DIRECTORY':
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return `it cannot be written (read-only file system or no permission) (${raw})`;
    case 'SQLITE_CANTOPEN':
    case 'EISDIR':
    case 'ENOTDIR':
      return `it cannot be opened as a file (a folder on its path is missing or not writable) (${raw})`;
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return `it is not a SQLite database (corrupt, or another kind of file); move it aside to start a new one (${raw})`;
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return `it is locked by another process (${raw})`;
    case 'SQLITE_FULL':
    case 'ENOSPC':
      return `the disk is full (${raw})`;
    default:
      return raw;
  }
}

/** What the file system says about a store path an open failed on (read only then, so the reason is specific). */
export interface StoreFileFacts {
  directory?: boolean;
  /** The code (EROFS, EACCES) of the folder that cannot be written, when it cannot. */
  folderNotWritable?: string | undefined;
}

function factsAbout(path: string): StoreFileFacts {
  const facts: StoreFileFacts = {};
  try {
    facts.directory = statSync(path).isDirectory();
  } catch {
    // not there: the folder is what matters
  }
  try {
    accessSync(dirname(path), constants.W_OK);
  } catch (err) {
    facts.folderNotWritable = (err as NodeJS.ErrnoException).code ?? 'not writable';
  }
  return facts;
}

/**
 * Opens the store, or throws a {@link StoreOpenError} naming its location and the reason. Each driver is loaded
 * only here, when chosen: `pg` costs a cold `prober run` tens of ms and SQLite a native addon.
 */
export async function openStore(target: StoreTarget, options: OpenStoreOptions = {}): Promise<StateStore> {
  if (target.kind === 'postgres') {
    try {
      return await (await import('./postgres-run-store.js')).PostgresRunStore.open(target.url, options);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new StoreOpenError(target, code ?? (err instanceof Error ? err.message : String(err)));
    }
  }
  try {
    if (options.offThread === true)
      return await (await import('./sqlite-worker-store.js')).SqliteWorkerStore.open(target.path, options);
    return new (await import('./sqlite-run-store.js')).SqliteRunStore(target.path, options);
  } catch (err) {
    // better-sqlite3 missing is its own setup problem, with its own install hint.
    if (err instanceof ProberSetupError) throw err;
    throw new StoreOpenError(target, openFailureReason(err, factsAbout(target.path)));
  }
}
