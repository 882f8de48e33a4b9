import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, serviceUser } from './free-port.js';
import type { PostgresServer } from './postgres-server.js';

export interface PgBouncer {
  /** The same database as `server.url(database)`, through the pooler. */
  url(database: string): string;
  port: number;
  pid: number;
  /** Server connections the pooler opened to Postgres, at most (per database and user). */
  poolSize: number;
  stop(): Promise<void>;
}

const BIN = '/usr/sbin/pgbouncer';

/**
 * Debian's PgBouncer in front of a test Postgres, in transaction pooling mode (what large fleets run: a server
 * connection is lent for one transaction, so session state such as a session advisory lock or a SET does not stay
 * with the client). Its own ini and userlist in a temp dir, 127.0.0.1 and a free port, started as our child (as
 * the `postgres` user when we are root: PgBouncer refuses to run as root) and stopped by its PID.
 */
export async function startPgBouncer(server: PostgresServer, poolSize: number): Promise<PgBouncer> {
  if (!existsSync(BIN)) throw new Error(`${BIN} not found; install the Debian package pgbouncer (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'prober-pgbouncer-'));
  const { ids: asUser, own } = serviceUser();
  own(dir);
  const userlist = join(dir, 'userlist.txt');
  writeFileSync(userlist, `"postgres" "${server.password}"\n`, { mode: 0o600 });
  own(userlist);
  let lastErr = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const ini = join(dir, 'pgbouncer.ini');
    writeFileSync(
      ini,
      [
        '[databases]',
        `* = host=127.0.0.1 port=${server.port}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = scram-sha-256',
        `auth_file = ${userlist}`,
        'pool_mode = transaction',
        `default_pool_size = ${poolSize}`,
        'min_pool_size = 0',
        'reserve_pool_size = 0',
        'max_client_conn = 1000',
        'ignore_startup_parameters = extra_float_digits',
        'server_check_query = select 1',
        '',
      ].join('\n'),
    );
    own(ini);
    const child = spawn(BIN, [ini], { ...asUser, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        if (/process up|listening on 127\.0\.0\.1/.test(log)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`pgbouncer exited with ${code} before it was ready:\n${log}`)));
    });
    const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
    try {
      await ready.finally(() => clearTimeout(timeout));
    } catch (err) {
      lastErr = String(err);
      if (!log.includes('Address already in use')) break;
      continue;
    }
    const pid = child.pid ?? 0;
    return {
      url: (database) => `postgres://postgres:${encodeURIComponent(server.password)}@127.0.0.1:${port}/${database}`,
      port,
      pid,
      poolSize,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = once(child, 'exit');
          process.kill(pid, 'SIGINT');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(lastErr);
}
