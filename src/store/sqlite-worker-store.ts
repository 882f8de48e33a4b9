import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../version.js';
import type { StateStore } from './state-store.js';
import { SQLITE_WORKER_SOURCE } from './sqlite-worker-source.js';

export interface SqliteWorkerOptions {
  onInvalid?: (runId: string, problem: string) => void;
  busyTimeoutMs?: number;
  openBusyTimeoutMs?: number;
}

/** How long in-flight markers alone wait to be sent with other requests (see schedule()). */
const MARKER_DELAY_MS = 25;

type Method = Exclude<keyof StateStore, 'claimTick' | 'claimOutbox'>;
type Reply = { id: number; value?: unknown; error?: WireError };
type WireError = { name: string; message: string; code?: string | undefined };

/** The methods sent to the store's thread: every StateStore method SQLite has. */
const METHODS: readonly Method[] = [
  'saveRun',
  'commit',
  'listRuns',
  'listJourneys',
  'uptime',
  'prune',
  'markInFlight',
  'updateInFlight',
  'takeInFlight',
  'getAlertState',
  'listAlertStateKeys',
  'quarantineAlertState',
  'putAlertState',
  'listOutbox',
  'updateOutbox',
  'check',
  'repair',
];

/**
 * The SQLite store on a thread of its own, for the daemon: every write (run documents, in-flight markers at every
 * step, alert state, the outbox) and read runs there, so none blocks the event loop that times the journeys. Its
 * promises settle when the worker's statement has committed, exactly as the in-thread store's did: a run reported
 * as recorded is in the WAL, and a SIGKILL of the process loses none (test/schedule/sqlite-worker-store.test.ts).
 * Requests are answered in the order they were sent (one connection, one thread), so a run's in-flight marker is
 * always written before the run that clears it.
 */
export class SqliteWorkerStore {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closed = false;
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly path: string,
  ) {}

  static async open(path: string, options: SqliteWorkerOptions = {}): Promise<StateStore> {
    const fromTs = new URL(import.meta.url).pathname.endsWith('.ts');
    const worker = new Worker(SQLITE_WORKER_SOURCE, {
      eval: true,
      workerData: {
        path,
        busyTimeoutMs: options.busyTimeoutMs,
        openBusyTimeoutMs: options.openBusyTimeoutMs,
        // From the package root: in the bundled CLI this module is a chunk at dist/, not at dist/store/.
        storeUrl: new URL(`${fromTs ? 'src' : 'dist'}/store/sqlite-run-store.${fromTs ? 'ts' : 'js'}`, PACKAGE_ROOT)
          .href,
        loaderUrl: fromTs ? import.meta.resolve('tsx/esm/api') : undefined,
        preloads: preloadUrls(),
      },
    });
    const store = new SqliteWorkerStore(worker, path);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: { opened?: WireError | null; invalid?: [string, string]; replies?: Reply[] }) => {
        if (m.invalid !== undefined) options.onInvalid?.(...m.invalid);
        else if (m.opened !== undefined) {
          if (m.opened === null) resolve();
          else reject(asError(m.opened));
        } else if (m.replies !== undefined) for (const r of m.replies) store.settle(r);
      };
      worker.on('message', onMessage);
      worker.once('error', (err) => {
        store.fail(err);
        reject(err);
      });
      worker.once('exit', (code) => {
        const err = new Error(`the SQLite store's thread exited (code ${code})`);
        store.fail(err);
        reject(err);
      });
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    return store.asRunStore();
  }

  private asRunStore(): StateStore {
    const call =
      (method: Method) =>
      (...args: unknown[]) =>
        this.call(method, args);
    const store = Object.fromEntries(METHODS.map((m) => [m, call(m)])) as unknown as StateStore;
    store.close = () => this.close();
    return store;
  }

  private call(method: Method, args: unknown[]): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the SQLite store is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const marker = method === 'markInFlight' || method === 'updateInFlight';
      // A run's newer step replaces its older step's marker still waiting here: the store keeps only the last.
      const runId = method === 'updateInFlight' ? args[0] : undefined;
      const waiting = typeof runId === 'string' ? this.waitingUpdates.get(runId) : undefined;
      if (waiting !== undefined) {
        waiting.args = trimUndefined(args);
        waiting.also.push(id);
      } else {
        const entry = { id, method, args: trimUndefined(args), also: [] as number[] };
        this.outbox.push(entry);
        if (typeof runId === 'string') this.waitingUpdates.set(runId, entry);
      }
      this.schedule(marker);
    });
  }

  /**
   * One message per batch, not per request: a daemon at thousands of runs a minute sends an in-flight marker per
   * step, and each postMessage has a fixed cost (its own serialiser and a wake-up of the store's thread). Anything
   * a caller waits on to call a run recorded (a run, alert state, a read) goes at the next turn of the event loop,
   * carrying the markers before it in order; markers alone wait up to MARKER_DELAY_MS for company. A marker only
   * matters when the process dies mid-run (the next start records that run as aborted), and a run that was never
   * reported as recorded is all that a SIGKILL inside that window can leave unmarked.
   */
  private schedule(marker: boolean): void {
    if (this.flushing === 'soon') return;
    if (!marker) {
      if (this.flushing === 'later') clearTimeout(this.timer);
      this.flushing = 'soon';
      setImmediate(this.flush);
    } else if (this.flushing === 'no') {
      this.flushing = 'later';
      this.timer = setTimeout(this.flush, MARKER_DELAY_MS);
    }
  }

  private flushing: 'no' | 'soon' | 'later' = 'no';
  private timer: NodeJS.Timeout | undefined;
  private readonly outbox: { id: number; method: Method; args: unknown[]; also: number[] }[] = [];
  private readonly waitingUpdates = new Map<string, { args: unknown[]; also: number[] }>();
  /** Requests answered by another's reply (an older marker of the same run, replaced): id → the ids it settles. */
  private readonly followers = new Map<number, number[]>();
  private readonly flush = () => {
    if (this.flushing === 'later') clearTimeout(this.timer);
    this.flushing = 'no';
    if (this.outbox.length === 0) return;
    const batch = this.outbox.splice(0);
    this.waitingUpdates.clear();
    for (const e of batch) if (e.also.length > 0) this.followers.set(e.id, e.also);
    this.worker.postMessage({ batch: batch.map(({ id, method, args }) => ({ id, method, args })) });
  };

  private settle(reply: Reply): void {
    const also = this.followers.get(reply.id);
    if (also !== undefined) {
      this.followers.delete(reply.id);
      for (const id of also) this.settle({ ...reply, id });
    }
    const p = this.pending.get(reply.id);
    if (p === undefined) return;
    this.pending.delete(reply.id);
    if (reply.error !== undefined) p.reject(asError(reply.error));
    else p.resolve(reply.value);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    // The checkpoint and close run after every write already sent (requests are answered in order).
    await this.call('close', []).catch(() => undefined);
    this.closed = true;
    await this.worker.terminate();
  }
}

/**
 * The process's `--import` modules (command line or NODE_OPTIONS), as URLs resolved the way Node resolves them
 * (relative to the working directory), for the store's thread to load first.
 */
export function preloadUrls(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): string[] {
  const args = [...execArgv, ...nodeOptions.split(/\s+/).filter((a) => a !== '')];
  const base = pathToFileURL(`${process.cwd()}/`);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const spec = a.startsWith('--import=') ? a.slice('--import='.length) : a === '--import' ? args[++i] : undefined;
    if (spec === undefined || spec === '') continue;
    // A bare package name (an APM agent) is left to the resolver; a path is made absolute.
    out.push(/^[./]/.test(spec) ? new URL(spec, base).href : spec);
  }
  return out;
}

/** A trailing `undefined` (an optional argument left out) would reach the store as a value. */
function trimUndefined(args: unknown[]): unknown[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return n === args.length ? args : args.slice(0, n);
}

function asError(e: WireError): Error {
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}
