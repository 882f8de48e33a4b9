import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poll } from '../support/poll.js';
import { freePort } from '../support/free-port.js';

const BIN = '/usr/bin/prometheus-alertmanager';

export interface AmAlert {
  labels: Record<string, string>;
  status: { state: string };
  startsAt: string;
  endsAt: string;
}

/** One real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, stopped by its PID. */
export interface Alertmanager {
  url: string;
  alerts(): Promise<AmAlert[]>;
  log(): string;
  stop(): Promise<void>;
}

/** Polls `check` until it returns a value; bounded, never waits forever. */
export function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  context: () => string = () => '',
): Promise<T> {
  return poll(what, check, { timeoutMs, ignoreErrors: true, context });
}

/** Starts Alertmanager with `routeYaml` (its `route:` and `receivers:`), ready once /-/ready answers. */
export async function startAlertmanager(routeYaml: string): Promise<Alertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'prober-am-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'am.yml'), routeYaml);
  let log = '';
  const child: ChildProcess = spawn(
    BIN,
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      '--cluster.listen-address=',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const am: Alertmanager = {
    url,
    alerts: async () => (await (await fetch(`${url}/api/v2/alerts?active=true`)).json()) as AmAlert[],
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await until(
      'Alertmanager /-/ready',
      async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined),
      20_000,
      () => log,
    );
  } catch (err) {
    await am.stop();
    throw err;
  }
  return am;
}
