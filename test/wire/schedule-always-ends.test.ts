import { describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { getText, startDaemonProcess, waitFor } from '../schedule/daemon-process.js';
import { packedProject } from '../support/packed-project.js';

// Under `prober schedule`, a journey whose code never ends (a step ignoring its signal, a deferred close that never
// settles, a cleanup step past the grace) is recorded as ended at its deadline plus the 10 s grace, and meanwhile
// another journey keeps its every-second schedule.
const HUNG = `
import { journey, step } from 'golden-path-prober';
export default journey({
  name: 'hung',
  description: 'code that never ends',
  capability: 'hang',
  timeoutMs: 1500,
  steps: [
    step('deaf', { service: 'svc', timeoutMs: 1000 }, async (ctx) => {
      ctx.defer(() => new Promise(() => {}));
      await new Promise(() => {});
    }),
    step('cleanup', { service: 'svc', timeoutMs: 60_000, always: true }, async () => {
      await new Promise(() => {});
    }),
  ],
});
`;
const STEADY = `
import { journey, step } from 'golden-path-prober';
export default journey({
  name: 'steady',
  description: 'a healthy journey',
  capability: 'carry on',
  steps: [step('act', { service: 'svc', timeoutMs: 500 }, (ctx) => ctx.record('ok', 1))],
});
`;

describe('prober schedule with a journey that never ends', () => {
  it('records it as ended (timeout) at deadline + grace while the other journey keeps its ticks', async () => {
    const project = packedProject();
    const dir = await project.workspace({
      'hung.ts': HUNG,
      'steady.ts': STEADY,
      'prober.config.json': JSON.stringify({
        environment: 'sched',
        targets: { svc: 'http://127.0.0.1:9' },
        probes: ['hung.ts', 'steady.ts'],
        versions: { svc: { enabled: false } },
        journeys: { hung: { schedule: '*/5 * * * * *' }, steady: { schedule: '* * * * * *', timeoutMs: 500 } },
        scheduler: { maxRandomDelayMs: 0 },
        store: { path: 'state.db' },
      }),
    });
    const daemon = await startDaemonProcess(['--config', 'prober.config.json', '--port', '0'], {}, 45_000, {
      bin: project.bin,
      cwd: dir,
    });
    try {
      const results = async (journey: string) =>
        RunResult.array().parse(
          JSON.parse((await getText(`${daemon.url}/api/results?journey=${journey}&limit=100`)).body),
        );
      const hung = await waitFor(
        'the hung journey recorded as ended',
        async () => (await results('hung'))[0],
        40_000,
        250,
      );
      const j = hung.journeys[0]!;
      expect(j.failure).toMatchObject({ step: 'deaf', category: 'timeout' });
      expect(j.steps[1]).toMatchObject({ status: 'fail', error: { category: 'timeout' } });
      expect(j.warnings).toEqual([expect.stringContaining('did not end within its deadline plus 10000 ms')]);
      // Recorded within deadline + grace (+ slack for a loaded machine), never left running.
      expect(j.durationMs).toBeLessThan(1_500 + 10_000 + 3_000);
      const started = Date.parse(j.startedAt);
      const during = (await results('steady')).filter(
        (r) => Date.parse(r.startedAt) > started && Date.parse(r.startedAt) < started + j.durationMs,
      );
      expect(during.length).toBeGreaterThanOrEqual(5);
      expect(during.every((r) => r.status === 'pass')).toBe(true);
    } finally {
      expect((await daemon.stop()).code, daemon.stderr()).toBe(0);
    }
  });
});
