import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { RunResult } from '../../src/journey/result-schema.js';
import { ROOT, runCli } from '../support/cli.js';

const password = `canary-pw-${randomBytes(6).toString('hex')}`;
// Opaque on purpose: a JWT would be caught by its shape; these must be caught by the safety nets.
const token = `opaque-token-${randomBytes(8).toString('hex')}`;
const cookie = `cookie-${randomBytes(8).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'prober-leaky-'));
let url = '';
let close: () => Promise<void>;

beforeAll(async () => {
  // A server that echoes credentials everywhere it can: bodies, headers, cookies, close reasons.
  const server = createServer((req, res) => {
    if (req.url === '/login') {
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `sid=${cookie}; HttpOnly` });
      return res.end(JSON.stringify({ access_token: token, echo: password }));
    }
    res.writeHead(400, {
      'content-type': 'application/json',
      'x-debug-password': password,
      'x-debug-auth': String(req.headers.authorization),
    });
    res.end(JSON.stringify({ error: `bad password ${password}`, yourToken: token }));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket) => {
    socket.end(`HTTP/1.1 401 Unauthorized\r\nx-echo: ${req.url}\r\ncontent-length: 0\r\n\r\n`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    wss.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
});
afterAll(async () => {
  await close?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets under every fault', () => {
  it('the password, the minted token and the cookie appear in no output, while every failure is still classified', async () => {
    const file = join(dir, 'out.json');
    const summary = join(dir, 'summary.md');
    const reports = ['junit=report.xml', 'html=report.html', 'github'].flatMap((r) => [
      '--reporter',
      r.replace('=', `=${dir}/`),
    ]);
    const cli = await runCli(
      [
        'run',
        '--config',
        join(ROOT, 'test/fixtures/leaky.ts'),
        '--target',
        `leaky=${url}`,
        '--reporter',
        'console',
        '--reporter',
        `json=${file}`,
        ...reports,
        '--store',
        join(dir, 'state.db'),
        '--log-level',
        'trace',
      ],
      { env: { LEAKY_PASSWORD: password, GITHUB_STEP_SUMMARY: summary } },
    );
    const json = readFileSync(file, 'utf8');
    // The store is read as raw bytes (database, WAL and shared memory), not through the store's own API.
    const stored = readdirSync(dir).filter((f) => f.startsWith('state.db'));
    expect(stored).toContain('state.db');
    const files = [...['report.xml', 'report.html', 'summary.md'], ...stored].map(
      (f) => [f, readFileSync(join(dir, f), 'latin1')] as const,
    );
    expect(files.slice(0, 4).map(([, text]) => text.length > 200)).toEqual([true, true, true, true]);
    expect(files.find(([f]) => f === 'state.db')![1]).toContain('throws-authorization');
    const result = RunResult.parse(JSON.parse(json));
    const failures = Object.fromEntries(result.journeys.map((j) => [j.journey, j.failure?.category]));
    expect(failures).toEqual({
      echo: 'http_status',
      'ws-token': 'auth',
      'throws-authorization': 'prober',
      'assert-echo': 'assertion',
      'fail-echo': 'assertion',
    });
    expect(cli.stderr).toContain('step/end'); // trace-level logs were written, so they were scanned too
    for (const [where, text] of [['stdout', cli.stdout], ['stderr', cli.stderr], ['JSON', json], ...files] as const) {
      for (const secret of [password, token, cookie])
        expect(text.includes(secret), `${where} leaks ${secret.split('-')[0]}`).toBe(false);
    }
  });
});
