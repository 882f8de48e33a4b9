import { request, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProberMetrics } from '../../src/report/metrics.js';
import { renderStatusPage } from '../../src/report/status-page/render-page.js';
import { buildStatusModel } from '../../src/report/status-page/page-model.js';
import { artifactLink } from '../../src/schedule/artifact-files.js';
import { ensureRunFolder } from '../../src/steps/artifact-run-folder.js';
import { closeServer, createEndpointServer, listen } from '../../src/schedule/http-endpoints.js';
import { TickMonitor } from '../../src/schedule/tick-monitor.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { sampleRun } from '../store/sample-run.js';

const dir = mkdtempSync(join(tmpdir(), 'prober-artifacts-'));
const artifacts = join(dir, 'artifacts');
/** A run folder the prober made: a run-id name and its marker (only those are served). */
const RUN = '5b0c1f0e-8f6a-4c2e-9a51-3d7e2b9c4a10';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
let store: SqliteRunStore;
let server: Server;
let port = 0;

beforeAll(async () => {
  await ensureRunFolder(artifacts, RUN);
  mkdirSync(join(artifacts, RUN, 'golden-path-browser'), { recursive: true });
  writeFileSync(join(artifacts, RUN, 'golden-path-browser', 'chat.reply.png'), PNG);
  writeFileSync(join(artifacts, RUN, 'golden-path-browser', 'trace.zip'), 'PK');
  writeFileSync(join(dir, 'state-secret.txt'), 'outside the artifacts folder');
  // A link planted inside the folder that points outside it must not be followed out.
  symlinkSync(join(dir, 'state-secret.txt'), join(artifacts, RUN, 'escape.txt'));
  store = new SqliteRunStore(join(dir, 'state.db'));
  server = createEndpointServer({
    store,
    metrics: new ProberMetrics({ defaultMetrics: false }),
    monitor: new TickMonitor(() => 0, 1_000),
    log: pino({ level: 'silent' }),
    stopping: () => false,
    artifactsDir: artifacts,
    page: { environment: 'test', artifactLink: (p) => artifactLink(artifacts, p) },
  });
  port = Number(new URL(await listen(server, '127.0.0.1', 0)).port);
});
afterAll(async () => {
  await closeServer(server);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request: the path goes on the wire exactly as written (fetch would normalise the dot segments away). */
function get(path: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('/artifacts/ on the daemon', () => {
  it('serves the screenshots and traces it wrote, with their types', async () => {
    const shot = await get(`/artifacts/${RUN}/golden-path-browser/chat.reply.png`);
    expect([shot.status, shot.type]).toEqual([200, 'image/png']);
    expect(shot.body.equals(PNG)).toBe(true);
    expect((await get(`/artifacts/${RUN}/golden-path-browser/trace.zip`)).type).toBe('application/zip');
  });

  it.each([
    '/artifacts/../state-secret.txt',
    '/artifacts/%2e%2e/state-secret.txt',
    `/artifacts/${RUN}/%2e%2e%2f%2e%2e%2fstate-secret.txt`,
    `/artifacts/${RUN}/..%2f..%2fstate-secret.txt`,
    `/artifacts/${RUN}/..%5c..%5cstate-secret.txt`,
    '/artifacts/%2fetc%2fpasswd',
    '/artifacts//etc/passwd',
    `/artifacts/${RUN}/escape.txt`,
    `/artifacts/${RUN}`,
    `/artifacts/${RUN}/golden-path-browser/chat.reply.png%00.txt`,
    '/artifacts/%E0%A4%A',
    '/artifacts/',
  ])('refuses %s with 404 and never leaks what lies outside', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(404);
    expect(r.body.toString()).not.toContain('outside the artifacts folder');
  });

  it('the status page links artifacts relatively (artifacts/…), never as file://', async () => {
    const run = sampleRun({ status: 'fail' });
    const step = run.journeys[0]!.steps[1]!;
    step.artifacts = [join(artifacts, RUN, 'golden-path-browser', 'chat.reply.png')];
    await store.saveRun(run);
    const html = renderStatusPage(
      await buildStatusModel(store, { environment: 'test', artifactLink: (p) => artifactLink(artifacts, p) }),
    );
    expect(html).toContain(`href="artifacts/${RUN}/golden-path-browser/chat.reply.png"`);
    expect(html).not.toContain('file://');
    const page = await get('/');
    expect(page.body.toString()).toContain(`href="artifacts/${RUN}/golden-path-browser/chat.reply.png"`);
    // …and the link the page shows resolves on the same daemon.
    expect((await get(`/artifacts/${RUN}/golden-path-browser/chat.reply.png`)).status).toBe(200);
  });

  it("fleet: a run written by another replica links to that replica's /artifacts/ (its artifactsUrl)", async () => {
    const run = {
      ...sampleRun({ status: 'fail', journey: 'on-replica-2' }),
      artifactsUrl: 'http://prober-eu-2.prober:9470',
    };
    run.journeys[0]!.steps[1]!.artifacts = [join(artifacts, 'run-2', 'on-replica-2', 'chat.reply.png')];
    await store.saveRun(run);
    const html = renderStatusPage(
      await buildStatusModel(store, { environment: 'test', artifactLink: (p) => artifactLink(artifacts, p) }),
    );
    expect(html).toContain('href="http://prober-eu-2.prober:9470/artifacts/run-2/on-replica-2/chat.reply.png"');
  });
});
