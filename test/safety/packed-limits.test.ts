import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedProject } from '../support/packed-project.js';
import { startWsFlood, type FloodServer } from './flood-servers.js';

/** The documented bound (docs/network.md): a flood grows the prober by at most this much over idle. */
const FLOOD_RSS_BOUND_MB = 64;

const FLOOD_JOURNEY = `import { journey, step } from 'golden-path-prober';
export default journey({
  name: 'flood',
  description: 'waits for a message the server never sends while it floods tiny frames',
  capability: 'get the awaited message',
  steps: [
    step('ws.wait', { service: 'flood', timeoutMs: 15_000 }, async (ctx) => {
      const ws = await ctx.ws.connect(ctx.target('flood'));
      await ws.waitFor((m) => (m as { type?: string }).type === 'never');
    }),
  ],
});
`;

// Peak RSS (getrusage maxrss, the kernel's high-water mark) of the child, idle after loading the package and the
// config, then after the run: the growth is what the flood cost.
const MEASURE = `import { createProber } from 'golden-path-prober';
const prober = await createProber({
  config: { environment: 'flood', targets: { flood: process.argv[2] }, probes: ['flood.ts'] },
  cwd: process.cwd(),
});
const idleKb = process.resourceUsage().maxRSS;
const result = await prober.run();
const peakKb = process.resourceUsage().maxRSS;
const step = result.journeys[0].steps[0];
console.log(JSON.stringify({ idleKb, peakKb, status: step.status, error: step.error, durationMs: step.durationMs }));
`;

describe('as users get the package', () => {
  let flood: FloodServer;
  let api: Server;
  let apiUrl = '';
  beforeAll(async () => {
    flood = await startWsFlood('{"n":1}', 15_000);
    api = createServer((_req, res) => res.end('{"ok":true}\n'));
    api.listen(0, '127.0.0.1');
    await once(api, 'listening');
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await flood.close();
    api.closeAllConnections();
    await new Promise((r) => api.close(r));
  });

  it(`a 15 s frame flood grows the prober by at most ${FLOOD_RSS_BOUND_MB} MB and fails naming the limit`, async () => {
    const project = packedProject();
    const dir = await project.workspace({ 'flood.ts': FLOOD_JOURNEY, 'measure.mjs': MEASURE });
    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'measure.mjs'), flood.url], {
      cwd: dir,
      timeout: 40_000,
    });
    const m = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      idleKb: number;
      peakKb: number;
      status: string;
      error?: { category: string; message: string };
    };
    expect([m.status, m.error?.category, m.error?.message]).toEqual([
      'fail',
      'contract',
      expect.stringMatching(/more than 10000 messages .*limit of 10000 queued messages/),
    ]);
    expect((m.peakKb - m.idleKb) / 1024).toBeLessThan(FLOOD_RSS_BOUND_MB);
  }, 45_000);

  it('500 journeys in one `prober run` print no MaxListenersExceededWarning (nor any warning)', async () => {
    const project = packedProject();
    let probes = "import { journey, step } from 'golden-path-prober';\n";
    for (let i = 0; i < 500; i++) {
      probes += `export const j${i} = journey({ name: 'j${i}', description: 'one request', capability: 'get an answer', steps: [step('get', { service: 'api', timeoutMs: 20_000 }, async (ctx) => { await (await ctx.http.get(ctx.target('api') + '/x')).text(); })] });\n`;
    }
    const config = { environment: 'many', targets: { api: apiUrl }, probes: ['probes/*.ts'] };
    const dir = await project.workspace({ 'probes/many.ts': probes, 'prober.config.json': JSON.stringify(config) });
    const r = await project.prober(['run', '--config', 'prober.config.json'], { cwd: dir, timeoutMs: 40_000 });
    // The whole report arrives (a Node parent's pipe once lost its tail at exit), and nothing warns on stderr.
    expect(r.stdout).toMatch(/PASS: 500 journeys, 500 passed/);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/Warning/);
  }, 45_000);
});
