import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, serviceUser } from './free-port.js';

export interface PostgresServer {
  /** A connection URL for `database` (created by `createDatabase`), password included. */
  url(database: string): string;
  /** A fresh, empty database: one per test keeps tests independent on one server. */
  createDatabase(prefix?: string): Promise<string>;
  password: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** The newest installed server binaries (Debian: /usr/lib/postgresql/<major>/bin). */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => existsSync(join(root, d, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors[0] === undefined)
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql; install the Debian package postgresql (.ci/run does)',
    );
  return join(root, majors[0], 'bin');
}

/**
 * A real PostgreSQL: a fresh cluster in a temp dir (initdb), password auth (scram-sha-256) on 127.0.0.1 and a free
 * port, the postmaster started as our child process (as the `postgres` user when we are root, which initdb
 * requires) and stopped by its PID. No service, no shared state with the machine's own clusters.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'prober-pg-'));
  // initdb refuses to run as root: as root, the cluster belongs to the Debian package's `postgres` user.
  const { ids: asUser, own } = serviceUser();
  own(dir);
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  own(pwfile);
  const data = join(dir, 'data');
  execFileSync(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ],
    {
      ...asUser,
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  // A free port can be taken by another test's server between picking it and binding it: pick again then.
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 1; child === undefined; attempt++) {
    port = await freePort();
    const started = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
      ],
      { ...asUser, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    const ready = new Promise<void>((resolve, reject) => {
      started.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('database system is ready to accept connections')) resolve();
      });
      started.once('exit', (code) => reject(new Error(`postgres exited with ${code} before it was ready:\n${log}`)));
    });
    const timeout = setTimeout(() => started.kill('SIGKILL'), 30_000);
    try {
      await ready.finally(() => clearTimeout(timeout));
      child = started;
    } catch (err) {
      if (attempt >= 3 || !log.includes('Address already in use')) throw err;
    }
  }
  const pid = child.pid ?? 0;
  const url = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  let n = 0;
  return {
    url,
    password,
    port,
    pid,
    async createDatabase(prefix = 't') {
      const name = `${prefix}_${process.pid}_${++n}_${Date.now().toString(36)}`
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, '_');
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return name;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        process.kill(pid, 'SIGINT'); // fast shutdown: disconnect clients, stop
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
