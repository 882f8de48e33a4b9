import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAllowedHosts, hostAllowed } from '../../src/server/host-allowlist.js';
import { ensureRunFolder } from '../../src/steps/artifact-run-folder.js';
import { poll } from '../support/poll.js';
import { makeTestPki, type TestPki } from '../support/test-ca.js';
import { basic, get, startEndpoint, type Endpoint } from './server-fixture.js';

describe('Host allowlist (pure rule, as a table)', () => {
  const loopback = defaultAllowedHosts('127.0.0.1');
  it.each([
    ['127.0.0.1:9470', loopback, true],
    ['localhost', loopback, true],
    ['[::1]:9470', loopback, true],
    ['LOCALHOST.', loopback, true],
    ['evil.example', loopback, false],
    ['evil.example:9470', loopback, false],
    ['127.0.0.1.evil.example', loopback, false],
    [undefined, loopback, false],
    ['prober.monitoring.svc:9470', ['.svc'], true],
    ['svc', ['.svc'], true],
    ['evilsvc', ['.svc'], false],
    ['anything', ['*'], true],
    ['prober.example.com', defaultAllowedHosts('0.0.0.0', 'https://prober.example.com'), true],
    ['0.0.0.0', defaultAllowedHosts('0.0.0.0'), false],
  ] as const)('Host %s', (host, allowed, ok) => {
    expect(hostAllowed(host, allowed)).toBe(ok);
  });
});

const TOKEN = `tok-${randomUUID()}`;
const ENDPOINTS = ['/', '/metrics', '/api/results', '/healthz', '/livez', 'ARTIFACT'];

describe('a daemon on a network: TLS, auth, Host, timeouts (real sockets on 127.0.0.1)', () => {
  let pkiA: TestPki;
  let pkiB: TestPki;
  let dir: string;
  let tlsServer: Endpoint;
  let plain: Endpoint;
  const run = randomUUID();
  const artifact = `/artifacts/${run}/j/shot.png`;
  let caA = '';
  let caB = '';
  const path = (p: string) => (p === 'ARTIFACT' ? artifact : p);

  beforeAll(async () => {
    pkiA = makeTestPki();
    pkiB = makeTestPki();
    caA = readFileSync(pkiA.caPath, 'utf8');
    caB = readFileSync(pkiB.caPath, 'utf8');
    dir = mkdtempSync(join(tmpdir(), 'prober-net-'));
    writeFileSync(join(dir, 'cert.pem'), pkiA.valid.cert);
    writeFileSync(join(dir, 'key.pem'), pkiA.valid.key);
    const artifacts = join(dir, 'artifacts');
    await ensureRunFolder(artifacts, run);
    mkdirSync(join(artifacts, run, 'j'));
    writeFileSync(join(artifacts, run, 'j', 'shot.png'), 'png');
    // Cost 4 keeps the test fast; the docs ask for 10 or more.
    const hash = await bcrypt.hash('right-password', 4);
    tlsServer = await startEndpoint(
      {
        host: '127.0.0.1',
        tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), reloadIntervalMs: 100 },
        auth: { basicUsers: { ops: hash }, bearerToken: '${env:PROBER_TEST_TOKEN}' },
      },
      { artifactsDir: artifacts, env: { PROBER_TEST_TOKEN: TOKEN } },
    );
    plain = await startEndpoint(
      {
        // Exposed as configured (the socket itself is bound to 127.0.0.1 by the fixture): no auth, so a warning.
        host: '0.0.0.0',
        headersTimeoutMs: 1_000,
        requestTimeoutMs: 2_000,
        auth: { basicUsers: { ops: hash }, openHealth: false },
      },
      { artifactsDir: artifacts },
    );
  });
  afterAll(async () => {
    await Promise.all([tlsServer?.close(), plain?.close()]);
    pkiA?.cleanup();
    pkiB?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const host = { host: '127.0.0.1' };
  it.each(ENDPOINTS)('TLS + basic auth on %s: right 200, wrong 401, missing 401 (health open)', async (p) => {
    const tls = { ca: caA };
    const u = tlsServer.url;
    const open = p === '/healthz' || p === '/livez';
    const right = await get(u, path(p), { ...host, ...basic('ops', 'right-password') }, tls);
    const bearer = await get(u, path(p), { ...host, authorization: `Bearer ${TOKEN}` }, tls);
    const wrong = await get(u, path(p), { ...host, ...basic('ops', 'wrong') }, tls);
    const stranger = await get(u, path(p), { ...host, ...basic('nobody', 'right-password') }, tls);
    const badToken = await get(u, path(p), { ...host, authorization: 'Bearer nope' }, tls);
    const missing = await get(u, path(p), host, tls);
    expect([right, bearer].map((r) => r.status)).toEqual([200, 200]);
    expect([wrong, stranger, badToken, missing].map((r) => r.status)).toEqual(
      open ? [200, 200, 200, 200] : [401, 401, 401, 401],
    );
    // Node's client joins the two challenges into one header value.
    if (!open)
      expect(missing.headers['www-authenticate']).toBe(
        'Basic realm="golden-path-prober", charset="UTF-8", Bearer realm="golden-path-prober"',
      );
    expect([right.headers['x-frame-options'], missing.headers['x-frame-options']]).toEqual(['DENY', 'DENY']);
    expect(String(right.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });

  it.each(ENDPOINTS)('openHealth: false puts %s behind auth too', async (p) => {
    expect((await get(plain.url, path(p), host)).status).toBe(401);
    expect((await get(plain.url, path(p), { ...host, ...basic('ops', 'right-password') })).status).toBe(200);
  });

  it.each(ENDPOINTS)('Host: evil.example on %s is refused with 421, even with credentials', async (p) => {
    const r = await get(
      tlsServer.url,
      path(p),
      { host: 'evil.example', ...basic('ops', 'right-password') },
      { ca: caA },
    );
    expect([r.status, r.body]).toEqual([421, expect.stringContaining('Host evil.example is not served here')]);
  });

  it('serves the replaced certificate once the files change, without a restart', async () => {
    // The key first, then the certificate: a mismatched pair in between is kept out (the old one stays).
    writeFileSync(join(dir, 'key.new'), pkiB.valid.key);
    writeFileSync(join(dir, 'cert.new'), pkiB.valid.cert);
    renameSync(join(dir, 'key.new'), join(dir, 'key.pem'));
    renameSync(join(dir, 'cert.new'), join(dir, 'cert.pem'));
    const status = await poll(
      'a handshake with the new certificate',
      async () => (await get(tlsServer.url, '/healthz', host, { ca: caB })).status,
      { ignoreErrors: true, timeoutMs: 10_000 },
    );
    expect(status).toBe(200);
    // …and the old CA no longer verifies it.
    await expect(get(tlsServer.url, '/healthz', host, { ca: caA })).rejects.toThrow();
  });

  it('closes a connection whose headers trickle in slower than headersTimeoutMs', async () => {
    const socket = connect(plain.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const started = Date.now();
    const drip = setInterval(() => socket.writable && socket.write('x-slow: 1\r\n'), 200);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    try {
      await poll(
        'the server closing the slow connection',
        () => (socket.destroyed || socket.readableEnded ? true : undefined),
        {
          timeoutMs: 15_000,
        },
      );
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    // Node's default would keep it for 60 s; the configured 1 s (checked every 0.5 s) closes it in a few.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('a non-loopback bind without auth: a warning at start and on the status page', async () => {
    const exposed = await startEndpoint({ host: '0.0.0.0' });
    try {
      expect(exposed.warnings.join('\n')).toMatch(
        /server\/unauthenticated: the server listens on 0\.0\.0\.0 \(not loopback\) without authentication/,
      );
      const page = await get(exposed.url, '/', host);
      expect(page.body).toContain('without authentication');
    } finally {
      await exposed.close();
    }
    expect(tlsServer.warnings.join('\n')).not.toContain('unauthenticated');
  });
});
