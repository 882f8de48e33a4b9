import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, step } from '../../src/journey/define.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, startTlsFront, type Sandbox, type TlsFront } from '../../src/sandbox/index.js';
import { ROOT, runCli } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { makeTestPki, type Pem, type TestPki } from '../support/test-ca.js';

const password = 'tls-test-password';
let sandbox: Sandbox;
let pki: TestPki;
const fronts: TlsFront[] = [];
const front = async (pem: Pem, target: string) => {
  const f = await startTlsFront({ ...pem, target });
  fronts.push(f);
  return f.url;
};

beforeAll(async () => {
  pki = makeTestPki();
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }] });
});
afterAll(async () => {
  await Promise.all(fronts.map((f) => f.close()));
  await sandbox?.close();
  pki?.cleanup();
});

const healthOverTls = journey({
  name: 'tls',
  description: 'GET /health and a WebSocket over TLS',
  capability: 'reach the auth service',
  steps: [
    step('health', { service: 'auth' }, async (ctx) => void (await ctx.http.get(`${ctx.target('auth')}/health`))),
  ],
});
const wsOverTls = journey({
  name: 'wss',
  description: 'WSS upgrade',
  capability: 'open a chat socket',
  steps: [
    step(
      'connect',
      { service: 'backend' },
      async (ctx) => void (await ctx.ws.connect(`${ctx.target('backend').replace('https', 'wss')}/ws?session_id=x`)),
    ),
  ],
});

/** A JSON config in the PKI dir running the real golden-path probe against the given TLS fronts. */
function writeTlsConfig(name: string, fronts: { auth: string; backend: string }, tls: unknown): string {
  const config = join(pki.dir, name);
  writeFileSync(
    config,
    JSON.stringify({
      environment: 'tls',
      targets: { ...fronts, web: sandbox.urls.web },
      probes: [relative(pki.dir, join(ROOT, 'probes/golden-path-api.ts'))],
      secrets: { password: '${env:SANDBOX_PASSWORD}' },
      variables: { email: 'probe@sandbox.test' },
      tls,
    }),
  );
  return config;
}

describe('TLS', () => {
  const withCa = () => ({ ca: readFileSync(pki.caPath, 'utf8') });

  it.each([
    ['expired certificate', 'expired', true, /^TLS certificate has expired \(CERT_HAS_EXPIRED\)/],
    ['self-signed certificate', 'selfSigned', true, /^TLS certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/],
    [
      'wrong host name',
      'wrongName',
      true,
      /^TLS certificate does not match the host name \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
    ],
    [
      'CA not configured',
      'valid',
      false,
      /^TLS certificate is not signed by a trusted CA \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
    ],
  ] as const)('%s → network, naming the TLS problem (HTTPS and WSS)', async (_name, cert, trustCa, message) => {
    const auth = await front(pki[cert], sandbox.urls.auth);
    const backend = await front(pki[cert], sandbox.urls.backend);
    const r = await runInProcess([healthOverTls, wsOverTls], { auth, backend }, trustCa ? { tlsFor: withCa } : {});
    for (const j of r.journeys) {
      expect(j.status).toBe('fail');
      expect(j.failure?.category).toBe('network');
      expect(j.failure?.message).toMatch(message);
    }
  });

  it('a valid certificate from a configured CA (tls.ca) passes the whole golden path over HTTPS and WSS', async () => {
    const auth = await front(pki.valid, sandbox.urls.auth);
    const backend = await front(pki.valid, sandbox.urls.backend);
    const config = writeTlsConfig(
      'tls-config.json',
      { auth, backend },
      { auth: { ca: 'ca.pem' }, backend: { ca: pki.caPath } },
    );
    const cli = await runCli(['run', 'golden-path-api', '--config', config, '--reporter', 'json'], {
      env: { SANDBOX_PASSWORD: password },
    });
    const result = RunResult.parse(JSON.parse(cli.stdout));
    expect(result.journeys[0]!.verdict).toBe('Users can log in and chat');
    expect(cli.code).toBe(0);
    expect(result.journeys[0]!.steps[0]!.evidence?.http?.[0]?.url).toBe(`${auth}/auth/login`);
  });

  it('verification is off only for a target marked insecure, with a warning on every run', async () => {
    const auth = await front(pki.selfSigned, sandbox.urls.auth);
    const backend = await front(pki.selfSigned, sandbox.urls.backend);
    const write = (tls: unknown) => writeTlsConfig('insecure-config.json', { auth, backend }, tls);
    const config = join(pki.dir, 'insecure-config.json');
    write({ auth: { insecure: true } });
    // JSON logs, so the warning's structured `target` field is what is checked.
    const onlyAuth = await runCli(
      ['run', 'golden-path-api', '--config', config, '--reporter', 'json', '--log-format', 'json'],
      { env: { SANDBOX_PASSWORD: password } },
    );
    expect(RunResult.parse(JSON.parse(onlyAuth.stdout)).journeys[0]!.failure).toMatchObject({
      step: 'session.create',
      category: 'network',
    });
    expect(onlyAuth.stderr).toMatch(/"path":"tls\.auth\.insecure".*TLS verification is disabled for target auth/);

    write({ auth: { insecure: true }, backend: { insecure: true } });
    const both = await runCli(['run', 'golden-path-api', '--config', config, '--reporter', 'json'], {
      env: { SANDBOX_PASSWORD: password },
    });
    expect(both.code).toBe(0);
    expect(both.stderr.match(/TLS verification is disabled/g)).toHaveLength(2);
  });

  it('a CA file that cannot be read is a config problem naming the path', async () => {
    const config = join(pki.dir, 'bad-ca.json');
    writeFileSync(
      config,
      JSON.stringify({
        environment: 'x',
        targets: { auth: 'https://127.0.0.1:1' },
        probes: [relative(pki.dir, join(ROOT, 'test/fixtures/buggy-probe.ts'))],
        tls: { auth: { ca: 'missing.pem' } },
      }),
    );
    const cli = await runCli(['validate', '--config', config]);
    expect(cli.code).toBe(2);
    expect(cli.stderr.trim()).toBe('prober: tls.auth.ca: cannot read CA file missing.pem');
  });
});
