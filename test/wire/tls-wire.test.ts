import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../support/test-ca.js';
import { wireWorkspace } from './wire-harness.js';

// ioredis over TLS to servers with an expired certificate and one for another name. ioredis reports the handshake
// failure on its error event and rejects the command with a code-less "Connection is closed.": the TLS reason can
// only come from the wire.
let pki: TestPki;
const servers: Server[] = [];
let ws: Awaited<ReturnType<typeof wireWorkspace>>;

const journey = (name: string) => `
export const ${name.replace('-', '')} = journey({
  name: '${name}',
  description: '${name}',
  capability: 'reach the cache over TLS',
  steps: [
    step('write', { service: '${name}', timeoutMs: 1500 }, async (ctx) => {
      const url = new URL(ctx.target('${name}'));
      const redis = new Redis({ host: url.hostname, port: Number(url.port), tls: { ca: readFileSync(ctx.variable('ca')) },
        retryStrategy: () => null, maxRetriesPerRequest: 0 });
      redis.on('error', () => {});
      ctx.defer(() => redis.disconnect());
      await redis.set('k', 'v');
    }),
  ],
});
`;

beforeAll(async () => {
  pki = makeTestPki();
  const listen = async (pem: { key: string; cert: string }) => {
    const server = createServer({ key: pem.key, cert: pem.cert }, (s) => s.end());
    server.on('tlsClientError', () => undefined);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const expired = await listen(pki.expired);
  const wrongName = await listen(pki.wrongName);
  ws = await wireWorkspace({
    'journeys.ts': `import { readFileSync } from 'node:fs';\nimport Redis from 'ioredis';\nimport { journey, step } from 'golden-path-prober';\n${journey('expired')}${journey('wrong-name')}`,
    'prober.config.json': JSON.stringify({
      environment: 'tls',
      targets: { expired, 'wrong-name': wrongName },
      probes: ['journeys.ts'],
      variables: { ca: pki.caPath },
    }),
  });
});
afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  pki?.cleanup();
});

describe('TLS failures a library hides, judged from the wire', () => {
  it('expired certificate and wrong host name → network, with the TLS reason', async () => {
    const r = await ws.run(['expired', 'wrong-name']);
    expect(r.journey('expired').failure).toMatchObject({ step: 'write', category: 'network' });
    expect(r.journey('expired').failure?.message).toMatch(
      /TLS to 127\.0\.0\.1:\d+ failed: the certificate has expired \(CERT_HAS_EXPIRED\)/,
    );
    expect(r.journey('wrong-name').failure?.message).toMatch(
      /does not match the host name \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
    );
    expect(r.failedStep('expired').evidence?.sockets?.[0]).toMatchObject({
      ended: 'tls-failed',
      reason: 'CERT_HAS_EXPIRED',
    });
  });
});
