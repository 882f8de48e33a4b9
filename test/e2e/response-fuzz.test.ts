import fc from 'fast-check';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type RawData } from 'ws';
import { loadConfig, type LoadedConfig } from '../../src/config/load-config.js';
import { runJourneys } from '../../src/journey/run.js';
import { Redactor } from '../../src/redact.js';
import { apiStepIo } from '../../src/steps/step-io.js';
import { ROOT } from '../support/cli.js';

type Script = {
  loginStatus: number;
  loginBody: string;
  frames: { data: string | Uint8Array; binary: boolean }[];
  closeCode: 1000 | 1011 | undefined;
};
let script: Script;
let base = '';
let close: () => Promise<void>;
let loaded: LoadedConfig;

beforeAll(async () => {
  // Speaks the golden path's protocol faithfully up to the point the fuzzer takes over.
  const server = createServer((req, res) => {
    if (req.url === '/auth/login') {
      res.writeHead(script.loginStatus, { 'content-type': 'application/json' });
      return res.end(script.loginBody);
    }
    if (req.url === '/api/sessions' && req.method === 'POST') {
      res.writeHead(201, { 'content-type': 'application/json' });
      return res.end('{"session_id":"s1"}');
    }
    res.writeHead(204).end();
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    socket.send('{"type":"ready"}');
    socket.on('message', (raw: RawData) => {
      const { nonce } = JSON.parse(raw.toString()) as { nonce: string };
      socket.send(JSON.stringify({ type: 'ack', nonce }));
      for (const f of script.frames) socket.send(f.data, { binary: f.binary });
      if (script.closeCode !== undefined) socket.close(script.closeCode);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    for (const c of wss.clients) c.terminate();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  loaded = await loadConfig(join(ROOT, 'test/fixtures/sandbox-fast.ts'), {
    env: { SANDBOX_PASSWORD: 'fuzz-password' },
    targets: { auth: base, backend: base, web: base },
  });
});
afterAll(() => close?.());

async function run() {
  const settings = loaded.config.journeys['golden-path-api']!;
  const r = await runJourneys(loaded.journeys, {
    environment: 'fuzz',
    targets: loaded.config.targets,
    secrets: loaded.secrets,
    variables: loaded.config.variables,
    redactor: new Redactor(),
    io: apiStepIo({ maxBodyBytes: 1 << 20 }),
    userAgent: 'fuzz',
    maxBodyBytes: 1 << 20,
    overrides: { 'golden-path-api': { steps: { ...settings.steps, 'chat.reply': { timeoutMs: 300 } } } },
  });
  return r.journeys[0]!;
}

const SERVICE_CATEGORIES = ['timeout', 'network', 'http_status', 'auth', 'contract', 'assertion'];
const jsonish = fc.oneof(
  fc.json(),
  fc.string(),
  fc.constant('{"access_token":'),
  fc
    .record({
      access_token: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      token_type: fc.string(),
      expires_in: fc.oneof(fc.integer(), fc.string()),
    })
    .map((o) => JSON.stringify(o)),
);
const frame = fc.oneof(
  fc.json().map((data) => ({ data, binary: false })),
  fc.string().map((data) => ({ data, binary: false })),
  fc.uint8Array({ maxLength: 64 }).map((data) => ({ data, binary: true })),
  fc
    .record({
      type: fc.constantFrom('agent_started', 'agent_delta', 'agent_completed', 'error', 'ack'),
      nonce: fc.oneof(fc.string(), fc.constant(undefined)),
      reply: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    })
    .map((o) => ({ data: JSON.stringify(o), binary: false })),
);

describe('fuzzed responses from the environment', () => {
  it('a fuzzed login response always yields a categorised service failure (never a prober error)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(200, 201, 400, 401, 500, 503), jsonish, async (loginStatus, loginBody) => {
        script = { loginStatus, loginBody, frames: [], closeCode: 1000 };
        const j = await run();
        expect(j.status, j.verdict).not.toBe('error');
        if (j.status === 'fail') expect(SERVICE_CATEGORIES).toContain(j.failure?.category);
      }),
      { numRuns: 60 },
    );
  });

  it('fuzzed WebSocket frames during the reply always yield a categorised result (never a prober error)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(frame, { maxLength: 6 }),
        fc.constantFrom(1000, 1011, undefined),
        async (frames, closeCode) => {
          script = {
            loginStatus: 200,
            loginBody: '{"access_token":"tok-abcdef","token_type":"Bearer","expires_in":60}',
            frames,
            closeCode,
          };
          const j = await run();
          expect(j.status, j.verdict).not.toBe('error');
          expect(j.steps.slice(0, 4).map((s) => s.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
          if (j.status === 'fail') expect(SERVICE_CATEGORIES).toContain(j.failure?.category);
        },
      ),
      { numRuns: 40 },
    );
  });
});
