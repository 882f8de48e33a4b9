import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { json, Receiver, type Received } from '../alert/receiver.js';
import { ROOT } from '../support/cli.js';
import { getText, startDaemonProcess, targetArgs, waitFor, type DaemonProcess } from '../schedule/daemon-process.js';
import { parseMetrics } from '../schedule/prom-text.js';

export const ENVIRONMENT = 'sandbox-store-faults';
export const JOURNEY_ALERT = `${ENVIRONMENT}:golden-path-api`;
export const PROBER_ALERT = `prober:${ENVIRONMENT}`;

/** A sandbox, a webhook receiver and a `prober schedule` process on a store path the test chooses. */
export class StoreFaultRig {
  readonly canary = `canary-${randomBytes(9).toString('hex')}`;
  sandbox!: Sandbox;
  receiver!: Receiver;
  daemon: DaemonProcess | undefined;

  async start(): Promise<this> {
    this.sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: this.canary }] });
    this.receiver = await new Receiver().start();
    return this;
  }

  async startDaemon(store: string, env: NodeJS.ProcessEnv = {}): Promise<DaemonProcess> {
    this.daemon = await startDaemonProcess(
      [
        '--config',
        join(ROOT, 'test/fixtures/store-faults.ts'),
        ...targetArgs(this.sandbox),
        '--store',
        store,
        '--log-level',
        'info',
      ],
      { SANDBOX_PASSWORD: this.canary, ALERT_HOOK_URL: `${this.receiver.url}/hook`, ...env },
      45_000,
    );
    return this.daemon;
  }

  async close(): Promise<void> {
    await this.daemon?.stop('SIGKILL');
    await this.receiver?.stop();
    await this.sandbox?.close();
  }

  get url(): string {
    if (this.daemon === undefined) throw new Error('no daemon');
    return this.daemon.url;
  }

  async metrics() {
    return parseMetrics((await getText(`${this.url}/metrics`)).body);
  }

  /** Journey runs the daemon finished, by its own counter. */
  async runs(): Promise<number> {
    return (await this.metrics()).samples('prober_runs_total').reduce((n, s) => n + s.value, 0);
  }

  async healthz(): Promise<{
    status: number;
    body: { status: string; store?: { ok: boolean; store: string; error?: string; held: { runs: number } } };
  }> {
    const r = await getText(`${this.url}/healthz`);
    return { status: r.status, body: JSON.parse(r.body) as never };
  }

  /**
   * Notifications the receiver accepted for one alert id and state (reminders excluded), one per delivery id: a
   * retry after a late answer carries the same id (at-least-once delivery), a second notification a new one.
   */
  notifications(id: string, state: 'firing' | 'resolved'): Received[] {
    const seen = new Set<unknown>();
    return this.receiver.requests.filter((r) => {
      const n = json(r);
      if (n.id !== id || n.state !== state || n.reminder === true || seen.has(n.deliveryId)) return false;
      seen.add(n.deliveryId);
      return true;
    });
  }

  /** Every request the receiver answered, one line each, for failure messages. */
  timeline(since: number): string {
    return this.receiver.requests
      .map((r) => `${r.at - since} ms ${String(json(r).id)} ${String(json(r).state)} ${String(json(r).deliveryId)}`)
      .join('\n');
  }

  async waitForNotification(id: string, state: 'firing' | 'resolved', timeoutMs = 30_000): Promise<Received> {
    return waitFor(`${state} ${id}`, () => this.notifications(id, state)[0], timeoutMs, 50);
  }

  /** Run ids the daemon logged as finished (`run/end`), in order. */
  loggedRunIds(): string[] {
    return (this.daemon?.stderr() ?? '')
      .split('\n')
      .filter((l) => l.includes('"msg":"run/end"'))
      .map((l) => (JSON.parse(l) as { runId: string }).runId);
  }
}

/** Every run id in the store with how many times it is there. */
export function storedRunIds(store: string): Map<string, number> {
  const db = new Database(store, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT run_id FROM runs').pluck().all() as string[];
    const counts = new Map<string, number>();
    for (const id of rows) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  } finally {
    db.close();
  }
}

/** Fills the filesystem under `file` until the kernel says ENOSPC; returns the bytes written. */
export function fillDisk(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return written;
}

/** The event-loop p99 of the daemon, as prom-client reports it (seconds; its histogram resets at every scrape). */
export async function eventLoopP99(rig: StoreFaultRig): Promise<number> {
  const [s] = (await rig.metrics()).samples('nodejs_eventloop_lag_p99_seconds');
  return s?.value ?? Number.NaN;
}
