import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { ProberMetrics } from '../../src/report/metrics.js';
import { hasStackTrace } from '../support/cli.js';
import { packedProject, type PackedProject } from '../support/packed-project.js';

// The prober's own event loop stalled by a synchronous busy loop on its main thread, for 60 % of a step's timeout,
// while the service is healthy (it answers in half the timeout, from this test's process). The deadline passes
// because the prober was stuck, not because the service was slow: the step must pass on its retry, or be
// error/prober when the journey has no time for one, and never `fail`. The control journey (a service slower than
// the timeout, no stall) shows the same steps still fail as `timeout` when the service is the slow one.
const TIMEOUT_MS = 2000;
const STALL_MS = 1200;
const ANSWER_MS = 1000;

function journeyFile(name: string, stall: boolean, answerMs: number, journeyTimeoutMs: number): string {
  return `import { journey, step } from 'golden-path-prober';
let attempts = 0;
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {}
}
export default journey({
  name: '${name}',
  description: '${name} journey',
  capability: 'fetch the slow page',
  timeoutMs: ${journeyTimeoutMs},
  steps: [
    step('slow.fetch', { service: 'api', timeoutMs: ${TIMEOUT_MS} }, async (ctx) => {
      // Only the first attempt: the prober stalls before it sends, so the healthy answer comes too late.
      if (${stall} && attempts++ === 0) busy(${STALL_MS});
      const res = await ctx.http.get(\`\${ctx.target('api')}/slow?ms=${answerMs}\`);
      if (res.status !== 200) throw new Error(\`status \${res.status}\`);
      await res.text();
    }),
  ],
});
`;
}

describe('a step whose deadline passed while the prober itself was stalled (packed package)', () => {
  let server: Server;
  let project: PackedProject;
  let dir = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
      const timer = setTimeout(() => res.end('ok'), ms);
      res.on('close', () => clearTimeout(timer));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    project = packedProject();
    dir = await project.workspace({
      'prober.config.json': JSON.stringify({
        environment: 'stalls',
        targets: { api: url },
        probes: ['*.ts'],
        versions: { api: { enabled: false } },
      }),
      // Room for a whole second attempt after the first one's deadline.
      'stall-retry.ts': journeyFile('stall-retry', true, ANSWER_MS, 3 * TIMEOUT_MS),
      // No room: the first attempt's deadline leaves less than a step timeout of the journey.
      'stall-no-room.ts': journeyFile('stall-no-room', true, ANSWER_MS, TIMEOUT_MS + 500),
      'slow-service.ts': journeyFile('slow-service', false, TIMEOUT_MS + 1500, 3 * TIMEOUT_MS),
    });
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const runOne = async (name: string) => {
    const out = await project.prober(['run', name, '--reporter', 'json'], { cwd: dir });
    expect(hasStackTrace(out.stderr), out.stderr).toBe(false);
    const result = RunResult.parse(JSON.parse(out.stdout));
    const step = result.journeys[0]?.steps[0];
    if (step === undefined) throw new Error(`no step in ${out.stdout}`);
    return { out, result, step };
  };

  it('passes on the retry when the journey has time for one, with the stall in the evidence and the metric', async () => {
    const { out, result, step } = await runOne('stall-retry');
    expect(out.code, out.stdout).toBe(0);
    expect(step.status).toBe('pass');
    expect(step.evidence?.stallMs).toBeGreaterThanOrEqual(STALL_MS * 0.9);
    expect(step.evidence?.notes?.[0]).toMatch(
      /^retried: on its first attempt the prober was stalled for \d+ ms of this step's \d+ ms$/,
    );
    const metrics = new ProberMetrics({ defaultMetrics: false });
    metrics.observeRun(result);
    const line = (await metrics.render()).split('\n').find((l) => l.startsWith('prober_step_stall_seconds_total{'));
    expect(line).toMatch(/journey="stall-retry",step="slow\.fetch",service="api".*\} (\d+\.\d+)$/);
    expect(Number(line?.split(' ').at(-1))).toBeGreaterThanOrEqual((STALL_MS * 0.9) / 1000);
  });

  it('is error/prober naming the stalled time when there is no time left for a retry', async () => {
    const { out, result, step } = await runOne('stall-no-room');
    expect(out.code, out.stdout).toBe(2);
    expect(result.journeys[0]?.status).toBe('error');
    expect(step.status).toBe('error');
    expect(step.error?.category).toBe('prober');
    expect(step.error?.message).toMatch(/^the prober was stalled for \d+ ms of this step's \d+ ms/);
    const [stalled = 0, total = 0] = (step.error?.message.match(/\d+/g) ?? []).map(Number);
    expect(stalled).toBeGreaterThanOrEqual(STALL_MS * 0.9);
    expect(total).toBeGreaterThanOrEqual(TIMEOUT_MS);
  });

  it('still fails as timeout when the service is the slow one and the prober did not stall', async () => {
    const { out, step } = await runOne('slow-service');
    expect(out.code, out.stdout).toBe(1);
    expect(step.status).toBe('fail');
    expect(step.error?.category).toBe('timeout');
    expect(step.evidence?.notes).toBeUndefined();
  });
});
