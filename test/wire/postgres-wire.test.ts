import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { GRACE_BOUND_MS, startControl, wireWorkspace } from './wire-harness.js';

// pg against a real PostgreSQL (Debian postgresql, initdb/pg_ctl as the postgres user), journeys through the packed
// package with no mapError.
const journeys = `
import pg from 'pg';
import { journey, step } from 'golden-path-prober';

const orders = (name, opts = {}) => journey({
  name,
  description: name,
  capability: 'see their orders',
  steps: [
    step('connect', { service: 'db', timeoutMs: opts.between === undefined ? 2000 : 10_000 }, async (ctx) => {
      const url = new URL(ctx.target('db'));
      const client = new pg.Client({
        host: url.hostname,
        port: Number(url.port),
        user: 'postgres',
        password: ctx.secret('dbPassword'),
        database: 'postgres',
      });
      client.on('error', () => {});
      ctx.defer(() => client.end());
      await client.connect();
      await client.query('SELECT 1');
      ctx.vars.set('db', client);
      if (opts.between !== undefined) await fetch(ctx.target('control') + '/' + opts.between);
    }),
    step('query', { service: 'db', timeoutMs: 2000 }, async (ctx) => {
      const client = ctx.vars.get('db');
      const { rows } = await client.query('SELECT 41 + 1 AS answer');
      if (rows[0].answer !== 42) ctx.fail('assertion', 'wrong answer');
      if (opts.failAtEnd) {
        ctx.record('localPort', client.connection.stream.localPort);
        ctx.fail('assertion', 'done: list my sockets');
      }
    }),
  ],
});

export const healthy = orders('healthy');
export const concurrentA = orders('concurrent-a', { failAtEnd: true });
export const concurrentB = orders('concurrent-b', { failAtEnd: true });
export const restarted = orders('restarted', { between: 'restart' });
`;

let server: PostgresServer;
let dataDir = '';
let asPostgres: { uid: number; gid: number };
let control: Awaited<ReturnType<typeof startControl>>;
let ws: Awaited<ReturnType<typeof wireWorkspace>>;
const outputs: string[] = [];
const pgCtl = (...args: string[]) =>
  execFileSync(join(process.env.PG_BIN ?? binDir(), 'pg_ctl'), ['-D', dataDir, '-w', ...args], {
    ...asPostgres,
    stdio: 'ignore',
  });
const postmasterPid = () => Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

function binDir(): string {
  const out = execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], { encoding: 'utf8' });
  return out.trim();
}

beforeAll(async () => {
  server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  dataDir = (await admin.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
  await admin.end();
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  asPostgres = { uid: id('-u'), gid: id('-g') };
  // A real restart: pg_ctl stops the postmaster (fast: every client connection ends) and starts it again.
  control = await startControl({ restart: async () => void pgCtl('restart', '-m', 'fast') });
  ws = await wireWorkspace({
    'journeys.ts': journeys,
    'prober.config.json': JSON.stringify({
      environment: 'postgres',
      targets: { db: `http://127.0.0.1:${server.port}`, control: control.url },
      probes: ['journeys.ts'],
      secrets: { dbPassword: '${env:DB_PASSWORD}' },
    }),
  });
});
afterAll(async () => {
  await control?.close();
  // After pg_ctl restart the postmaster is no longer the helper's child: stop it by its data directory.
  try {
    pgCtl('stop', '-m', 'immediate');
  } catch {
    // already stopped by the last test
  }
  await server?.stop();
  for (const out of outputs) expect(out).not.toContain(server.password);
});

describe('pg against a real PostgreSQL, judged from the wire', () => {
  it('healthy → pass; wrong password → auth; concurrent journeys list only their own sockets', async () => {
    const ok = await ws.run(['healthy', 'concurrent-a', 'concurrent-b'], { DB_PASSWORD: server.password });
    outputs.push(JSON.stringify(ok.result), ok.stderr);
    expect(ok.journey('healthy').status).toBe('pass');
    for (const name of ['concurrent-a', 'concurrent-b']) {
      const s = ok.failedStep(name);
      const mine = s.evidence?.metrics?.localPort;
      expect(mine).toBeGreaterThan(0);
      expect(s.evidence?.sockets?.map((x) => x.localPort)).toEqual([mine]);
    }
    const bad = await ws.run(['healthy'], { DB_PASSWORD: 'canary-wrong-pg' });
    outputs.push(JSON.stringify(bad.result), bad.stderr);
    expect(bad.journey('healthy').failure).toMatchObject({ step: 'connect', category: 'auth' });
    expect(bad.journey('healthy').failure?.message).toContain('28P01');
  });

  it('frozen with SIGSTOP → fail/timeout, and prober run exits within deadline + grace', async () => {
    const pid = postmasterPid();
    process.kill(pid, 'SIGSTOP');
    try {
      const r = await ws.run(['healthy'], { DB_PASSWORD: server.password });
      outputs.push(JSON.stringify(r.result), r.stderr);
      expect(r.journey('healthy').failure).toMatchObject({ step: 'connect', category: 'timeout' });
      expect(r.failedStep('healthy').evidence?.sockets?.[0]).toMatchObject({ ended: 'destroyed-at-deadline' });
      expect(r.durationMs).toBeLessThan(4_000 + GRACE_BOUND_MS);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('restarted between two steps → fail/network at the step using the kept connection, never prober', async () => {
    const r = await ws.run(['restarted'], { DB_PASSWORD: server.password });
    outputs.push(JSON.stringify(r.result), r.stderr);
    expect(r.journey('restarted').failure).toMatchObject({ step: 'query', category: 'network' });
  });

  it('stopped → fail/network at the first step that touches it', async () => {
    pgCtl('stop', '-m', 'fast');
    const r = await ws.run(['healthy'], { DB_PASSWORD: server.password });
    outputs.push(JSON.stringify(r.result), r.stderr);
    expect(r.journey('healthy').failure).toMatchObject({ step: 'connect', category: 'network' });
  });
});
