import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, step } from '../../src/journey/define.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { runInProcess } from '../support/in-process.js';
import { makeTestPki, type Pem, type TestPki } from '../support/test-ca.js';

let pki: TestPki;
const servers: Server[] = [];
const sockets = new Set<Socket>();

/** A listener on a free loopback port; `silent` accepts and never answers (a TLS handshake then never completes). */
async function listen(tls?: Pem, silent = false): Promise<string> {
  const server = tls === undefined ? createServer() : createTlsServer({ key: tls.key, cert: tls.cert });
  if (!silent) server.on(tls === undefined ? 'connection' : 'secureConnection', (s: Socket) => s.end());
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `127.0.0.1:${address.port}`;
}

/** A port nothing listens on: listened on, then closed. */
async function refusedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `127.0.0.1:${address.port}`;
}

function probe(target: string, tls: boolean) {
  return journey({
    name: 'port',
    description: 'the port accepts connections',
    capability: 'database reachable',
    steps: [
      step('connect', { service: 'db', timeoutMs: 2_000 }, async (ctx) => {
        const c = await ctx.tcp.connect(target, { tls });
        ctx.record('connectMs', c.connectMs);
        if (c.tls !== undefined) ctx.record('daysLeft', c.tls.daysLeft);
      }),
    ],
  });
}

async function run(target: string, tls = false) {
  const caOnly = { ca: readFileSync(pki.caPath, 'utf8') };
  const r = await runInProcess([probe(target, tls)], { db: `http://${target}` }, { tlsFor: () => caOnly });
  RunResult.parse(r);
  return r.journeys[0]!.steps[0]!;
}

beforeAll(() => {
  pki = makeTestPki();
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  pki.cleanup();
});

describe('ctx.tcp against real listeners on loopback', () => {
  it('an open port passes and records the connect time', async () => {
    const s = await run(await listen());
    expect(s.status).toBe('pass');
    expect(s.evidence?.metrics?.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('a closed port fails as network, naming the address', async () => {
    const s = await run(await refusedPort());
    expect(s.status).toBe('fail');
    expect(s.error).toMatchObject({ category: 'network', message: expect.stringMatching(/refused.*127\.0\.0\.1:\d+/) });
  });

  it('tls: a certificate from the configured CA passes and reports days to expiry', async () => {
    const s = await run(await listen(pki.valid), true);
    expect(s.status).toBe('pass');
    expect(s.evidence?.metrics?.daysLeft).toBeGreaterThanOrEqual(0);
  });

  it('tls: a self-signed certificate fails as network, naming the TLS problem', async () => {
    const s = await run(await listen(pki.selfSigned), true);
    expect(s.error).toMatchObject({ category: 'network', message: expect.stringContaining('self-signed') });
  });

  it('tls: a listener that never completes the handshake ends at the step deadline as timeout', async () => {
    const s = await run(await listen(undefined, true), true);
    expect(s.error).toMatchObject({ category: 'timeout' });
  });

  it('a target that is not host:port is the probe bug it is: prober', async () => {
    const s = await run('no-port-here', false);
    expect(s.error).toMatchObject({ category: 'prober', message: expect.stringContaining('has no port') });
  });
});
