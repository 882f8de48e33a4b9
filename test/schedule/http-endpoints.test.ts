import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { ProberMetrics } from '../../src/report/metrics.js';
import { closeServer, createEndpointServer, listen } from '../../src/schedule/http-endpoints.js';
import type { QuarantinedJourney } from '../../src/schedule/quarantine-wiring.js';
import { TickMonitor } from '../../src/schedule/tick-monitor.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { sampleRun } from '../store/sample-run.js';

const dir = mkdtempSync(join(tmpdir(), 'prober-http-'));
let store: SqliteRunStore;
let server: Server;
let url: string;
let now = 0;
let stopping = false;
let quarantined: QuarantinedJourney[] = [];
const monitor = new TickMonitor(() => now, 1_000);

beforeAll(async () => {
  store = new SqliteRunStore(join(dir, 'state.db'));
  for (const journey of ['a', 'a', 'b']) await store.saveRun(sampleRun({ journey }));
  server = createEndpointServer({
    store,
    metrics: new ProberMetrics({ defaultMetrics: false }),
    monitor,
    log: pino({ level: 'silent' }),
    stopping: () => stopping,
    quarantined: () => quarantined,
    page: { environment: 'test', refreshSeconds: 10 },
  });
  url = await listen(server, '127.0.0.1', 0);
});
afterAll(async () => {
  await closeServer(server);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('daemon endpoints', () => {
  it('/healthz: 200 while ticking, 503 once a journey stalled, 503 while stopping', async () => {
    monitor.watch('a', 1_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    now = 3_001; // silent for 2 intervals + grace + 1 ms
    const stalled = await fetch(`${url}/healthz`);
    expect(stalled.status).toBe(503);
    expect(await stalled.json()).toMatchObject({ status: 'stalled', stalled: [{ journey: 'a', silentMs: 3_001 }] });
    monitor.tick('a');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    stopping = true;
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'stopping' });
    stopping = false;
  });

  it.each([
    ['ticking', 0, [], 200, 'ok', 200],
    ['a journey stalled (a restart may cure it)', 3_001, [], 503, 'stalled', 503],
    [
      'a journey quarantined for blocking the event loop (a restart brings it back quarantined)',
      0,
      [{ journey: 'b', since: '2026-12-01T01:00:00.000Z', step: 'act', message: 'b blocked' }],
      503,
      'quarantined',
      200,
    ],
  ] as const)('/healthz and /livez when %s', async (_label, at, held, health, status, live) => {
    monitor.watch('a', 1_000);
    monitor.tick('a');
    now = at === 0 ? now : now + at;
    quarantined = [...held];
    try {
      const h = await fetch(`${url}/healthz`);
      expect(h.status).toBe(health);
      expect(await h.json()).toMatchObject({ status, ...(held.length === 0 ? {} : { quarantined: held }) });
      expect((await fetch(`${url}/livez`)).status).toBe(live);
    } finally {
      quarantined = [];
      monitor.tick('a');
    }
  });

  it('/api/results filters by journey, limits, validates its input and returns prober.run/v1 documents', async () => {
    const a = RunResult.array().parse(await (await fetch(`${url}/api/results?journey=a&limit=10`)).json());
    expect(a.map((r) => r.journeys[0]!.journey)).toEqual(['a', 'a']);
    expect(RunResult.array().parse(await (await fetch(`${url}/api/results?limit=1`)).json())).toHaveLength(1);
    expect(RunResult.array().parse(await (await fetch(`${url}/api/results`)).json())).toHaveLength(3);
    for (const bad of ['0', '1001', 'x', '1.5'])
      expect((await fetch(`${url}/api/results?limit=${bad}`)).status).toBe(400);
  });

  it('serves the page with a CSP that forbids scripts and outside resources; other methods and paths are refused', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await page.text()).toContain('data-journey="b"');
    expect((await fetch(`${url}/`, { method: 'POST' })).status).toBe(405);
    const head = await fetch(`${url}/metrics`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });
});
