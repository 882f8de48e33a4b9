import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';
import { startDaemonProcess } from '../schedule/daemon-process.js';

/**
 * A loopback OTLP/HTTP receiver that decodes each request with the OpenTelemetry project's own generated protobuf
 * code (@opentelemetry/otlp-transformer 0.212, the last release that ships a decoder), and the sandbox recording the
 * traceparent each request carried: the spans must sit in the very trace the backend saw.
 */
type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean };
interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  attributes: { key: string; value: AnyValue }[];
}
const root = createRequire(import.meta.url)('otlp-transformer-0212/build/src/generated/root.js') as {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: {
            ExportTraceServiceRequest: { decode(b: Uint8Array): unknown; toObject(m: unknown, o: object): unknown };
          };
        };
      };
    };
  };
};
const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

function decode(body: Buffer): { spans: DecodedSpan[]; resource: Record<string, unknown> } {
  const msg = Request.toObject(Request.decode(body), {
    bytes: String,
    longs: String,
    enums: Number,
    defaults: false,
  }) as {
    resourceSpans: {
      resource: { attributes: { key: string; value: AnyValue }[] };
      scopeSpans: { spans: DecodedSpan[] }[];
    }[];
  };
  const hex = (b64: string) => Buffer.from(b64 ?? '', 'base64').toString('hex');
  const spans = msg.resourceSpans
    .flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))
    .map((s) => ({ ...s, traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId) }));
  const resource = Object.fromEntries(
    (msg.resourceSpans[0]?.resource.attributes ?? []).map((a) => [a.key, a.value.stringValue]),
  );
  return { spans, resource };
}
const attrs = (s: DecodedSpan) =>
  Object.fromEntries(
    s.attributes.map((a) => [a.key, a.value.stringValue ?? a.value.boolValue ?? Number(a.value.intValue)]),
  );

const canary = 'otlp-canary-Pa55word-7f3a';
const received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
let onReceived: (() => void) | undefined;
let receiver: Server;
let sandbox: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'prober-otlp-'));

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces')
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      onReceived?.();
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
});
afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(otlp: boolean, extra: Record<string, unknown> = {}): string {
  const port = (receiver.address() as { port: number }).port;
  const file = join(dir, `prober-${otlp}-${Object.keys(extra).length}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      environment: 'otlp-test',
      targets: { auth: sandbox.urls.auth, backend: sandbox.urls.backend, web: sandbox.urls.web },
      probes: [relative(dir, join(ROOT, 'probes/golden-path-api.ts'))],
      secrets: { password: '${env:OTLP_TEST_PASSWORD}' },
      variables: { email: 'probe@sandbox.test' },
      ...extra,
      ...(otlp
        ? {
            otlp: {
              endpoint: `http://127.0.0.1:${port}/v1/traces`,
              headers: { authorization: '${env:OTLP_TEST_TOKEN}' },
            },
          }
        : {}),
    }),
  );
  return file;
}
const env = { OTLP_TEST_PASSWORD: canary, OTLP_TEST_TOKEN: 'Bearer otlp-token-123' };

describe('OpenTelemetry export over OTLP/HTTP', () => {
  it('one journey span and one span per step, in the trace the sandbox saw in traceparent; status, category and verdict; no secret', async () => {
    received.length = 0;
    const cli = await runCli(['run', '--config', writeConfig(true), '--reporter', 'json'], { env });
    expect(cli.code, cli.stderr).toBe(0);
    const result = RunResult.parse(JSON.parse(cli.stdout));
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['content-type']).toBe('application/x-protobuf');
    expect(received[0]!.headers.authorization).toBe('Bearer otlp-token-123');
    const { spans, resource } = decode(received[0]!.body);
    expect(resource).toMatchObject({
      'service.name': 'golden-path-prober',
      'deployment.environment.name': 'otlp-test',
    });

    const journeys = spans.filter((s) => s.name.startsWith('journey '));
    const steps = spans.filter((s) => s.name.startsWith('step '));
    expect(journeys.map((s) => s.name)).toEqual(['journey golden-path-api']);
    const j = journeys[0]!;
    expect(j.parentSpanId).toBe('');
    expect(steps.map((s) => s.name)).toEqual(result.journeys[0]!.steps.map((s) => `step ${s.name}`));
    expect(new Set(steps.map((s) => s.parentSpanId))).toEqual(new Set([j.spanId]));
    expect(attrs(j)).toMatchObject({
      'prober.journey': 'golden-path-api',
      'prober.status': 'pass',
      'prober.verdict': 'Users can log in and chat',
      'prober.run_id': result.runId,
    });
    expect(j.status?.code).toBe(1);

    // The trace id the sandbox received in traceparent is the exported one, and the login request's parent is the
    // auth.token step span.
    const login = sandbox.traceparents().find((t) => t.path === '/auth/login' && t.traceparent.includes(j.traceId));
    expect(login, JSON.stringify(sandbox.traceparents())).toBeDefined();
    const authSpan = steps.find((s) => s.name === 'step auth.token')!;
    expect(login!.traceparent).toBe(`00-${j.traceId}-${authSpan.spanId}-01`);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([j.traceId]));
    expect(attrs(authSpan)).toMatchObject({
      'prober.step': 'auth.token',
      'prober.service': 'auth',
      'prober.status': 'pass',
    });
    expectNoSecrets('exported spans', JSON.stringify(spans), canary);
  });

  it('a failing run: error status with category and verdict on the journey and the failing step span', async () => {
    received.length = 0;
    sandbox.faults.set('session.create=http500');
    try {
      const cli = await runCli(['run', '--config', writeConfig(true), '--reporter', 'json'], { env });
      expect(cli.code).toBe(1);
    } finally {
      sandbox.faults.clear();
    }
    const { spans } = decode(received[0]!.body);
    const j = spans.find((s) => s.name === 'journey golden-path-api')!;
    expect(j.status?.code).toBe(2);
    expect(attrs(j)).toMatchObject({
      'prober.status': 'fail',
      'prober.category': 'http_status',
      'prober.failed_step': 'session.create',
    });
    expect(String(attrs(j)['prober.verdict'])).toMatch(
      /^Users cannot log in and chat: backend step session\.create failed/,
    );
    const failing = spans.find((s) => s.name === 'step session.create')!;
    expect(failing.status?.code).toBe(2);
    expect(attrs(failing)).toMatchObject({ 'prober.category': 'http_status', 'http.response.status_code': 500 });
    expect(attrs(spans.find((s) => s.name === 'step chat.connect')!)['prober.status']).toBe('skipped');
    expectNoSecrets('exported spans', JSON.stringify(spans), canary);
  });

  it('off by default: no otlp section, nothing is sent', async () => {
    received.length = 0;
    const cli = await runCli(['run', '--config', writeConfig(false), '--reporter', 'json'], { env });
    expect(cli.code).toBe(0);
    expect(received).toHaveLength(0);
  });

  it('prober schedule exports the spans of each scheduled run too', async () => {
    received.length = 0;
    const config = writeConfig(true, {
      server: { port: 0 },
      scheduler: { maxRandomDelayMs: 100 },
      journeys: { 'golden-path-api': { schedule: '*/5 * * * * *', timeoutMs: 4_000 } },
    });
    const daemon = await startDaemonProcess(['--config', config, '--store', join(dir, 'state.db')], env);
    try {
      await new Promise<void>((resolve) => {
        onReceived = () => received.length > 0 && resolve();
        onReceived();
      });
    } finally {
      onReceived = undefined;
      await daemon.stop();
    }
    const { spans } = decode(received[0]!.body);
    expect(spans.filter((s) => s.name === 'journey golden-path-api')).toHaveLength(1);
    expect(spans.filter((s) => s.name.startsWith('step '))).toHaveLength(6);
    expectNoSecrets('exported spans', JSON.stringify(spans), canary);
  });
});
