import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import type { Sandbox } from '../../src/sandbox/index.js';
import { BIN, ROOT } from '../support/cli.js';
import { poll } from '../support/poll.js';

/** A `prober schedule` child process, as an operator or a container runtime would start it. */
export interface DaemonProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code and signal once the process has exited (and its pipes closed). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Signals the daemon and waits for it to exit; SIGKILLs it if it is still there after `timeoutMs`. */
  stop(
    signal?: NodeJS.Signals,
    timeoutMs?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export function targetArgs(sandbox: Sandbox): string[] {
  return (['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]);
}

/** Starts the daemon (this checkout's, or `where.bin`, e.g. a packed project's) and resolves once it printed its URL (bounded: it must start within `startMs`). */
export async function startDaemonProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  startMs = 45_000,
  where: { bin?: string; cwd?: string } = {},
): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [where.bin ?? BIN, 'schedule', ...args], {
    cwd: where.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    at: Date.now(),
  }));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`daemon did not start within ${startMs} ms\nstdout: ${out}\nstderr: ${err}`)),
      startMs,
    );
    const onData = () => {
      const m = /status page (http:\/\/[^\s/]+)\//.exec(out);
      if (m?.[1] !== undefined) {
        cleanup();
        resolve(m[1]);
      }
    };
    const onExit = () => fail(new Error(`daemon exited before it was ready\nstdout: ${out}\nstderr: ${err}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (e: Error) => {
      cleanup();
      child.kill('SIGKILL');
      reject(e);
    };
    child.stdout.on('data', onData);
    child.on('exit', onExit);
  });
  return {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) {
      const t0 = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const r = await exited;
      clearTimeout(timer);
      return { code: r.code, signal: r.signal, ms: r.at - t0 };
    },
  };
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes; never an unbounded wait. */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  return poll(what, check, { timeoutMs, everyMs });
}

export async function getText(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/**
 * The step a daemon's in-flight run has reached, read from its own in-flight marker in the store (a read-only
 * connection; WAL lets it read while the daemon writes). Undefined when no run is in flight.
 */
export function inFlightStep(storePath: string): string | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(storePath, { readonly: true, fileMustExist: true });
    const row = db.prepare('SELECT step FROM in_flight ORDER BY started_at DESC LIMIT 1').get() as
      | { step: string | null }
      | undefined;
    return row?.step === null || row?.step === undefined ? undefined : (JSON.parse(row.step) as { name: string }).name;
  } catch {
    return undefined; // not created yet
  } finally {
    db?.close();
  }
}
