import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { ProberMetrics } from '../../src/report/metrics.js';
import { closeServer, createEndpointServer, listen } from '../../src/schedule/http-endpoints.js';
import { TickMonitor } from '../../src/schedule/tick-monitor.js';
import { ensureRunFolder, RUN_MARKER } from '../../src/steps/artifact-run-folder.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';

// The attack: artifactsDir is a project folder (validate refuses it, but a daemon started from an older
// config, or a folder that gained files later, must still serve only what the prober wrote).
const project = mkdtempSync(join(tmpdir(), 'prober-exposure-'));
const run = randomUUID();
/** A run-id name the prober did not write (no marker). */
const stranger = randomUUID();
let server: Server;
let store: SqliteRunStore;
let base = '';

beforeAll(async () => {
  writeFileSync(join(project, '.env'), 'TOKEN=canary-exposure\n');
  writeFileSync(join(project, 'prober.config.ts'), 'export default {}\n');
  mkdirSync(join(project, '.prober'));
  store = new SqliteRunStore(join(project, '.prober', 'state.db'));
  mkdirSync(join(project, stranger));
  writeFileSync(join(project, stranger, 'notes.txt'), 'canary-exposure\n');
  await ensureRunFolder(project, run);
  mkdirSync(join(project, run, 'j'));
  writeFileSync(join(project, run, 'j', 'step.png'), 'png');
  writeFileSync(join(project, run, 'j', '.hidden'), 'canary-exposure\n');
  server = createEndpointServer({
    store,
    metrics: new ProberMetrics({ defaultMetrics: false }),
    monitor: new TickMonitor(() => 0, 1_000),
    log: pino({ level: 'silent' }),
    stopping: () => false,
    artifactsDir: project,
    page: { environment: 'test', artifactLink: (p) => p },
  });
  base = await listen(server, '127.0.0.1', 0);
});
afterAll(async () => {
  await closeServer(server);
  await store.close();
  rmSync(project, { recursive: true, force: true });
});

describe('/artifacts/ serves only files inside the prober’s own run folders', () => {
  it('a screenshot the prober wrote: 200', async () => {
    expect((await fetch(`${base}/artifacts/${run}/j/step.png`)).status).toBe(200);
  });

  it.each([
    '.env',
    'prober.config.ts',
    '.prober/state.db',
    '.prober/state.db-wal',
    `${run}/${RUN_MARKER}`,
    `${run}/j/.hidden`,
    'STRANGER/notes.txt',
  ])('%s: 404, nothing leaked', async (path) => {
    const res = await fetch(`${base}/artifacts/${path.replace('STRANGER', stranger)}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('canary-exposure');
  });
});
