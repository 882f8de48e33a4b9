import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduleProblems } from '../../src/config/check-schedule.js';
import { problemLine, ProblemSchema } from '../../src/config/problems.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { journey, step } from '../../src/journey/define.js';
import { ROOT } from '../support/cli.js';

const noop = () => undefined;
// Two 5 s steps (the default step timeout) and a 2 s cleanup step: the journey's own timeout is 12 s.
const j = journey({
  name: 'j',
  description: 'd',
  capability: 'c',
  steps: [
    step('a', { service: 'svc' }, noop),
    step('b', { service: 'svc' }, noop),
    step('close', { service: 'svc', timeoutMs: 2_000, always: true }, noop),
  ],
});

describe('scheduleProblems: budgets with the effective timeout, and overlap warnings (pure)', () => {
  it.each([
    ['no schedule', {}, 0, []],
    ['disabled', { enabled: false, schedule: '* * * * * *' }, 0, []],
    ['fits with room for cleanup', { schedule: '0 * * * * *' }, 1_000, []],
    [
      'the default timeout (12 s) over a 10 s interval',
      { schedule: '*/10 * * * * *' },
      0,
      [
        'error journeys.j.timeoutMs: the journey timeout 12000 ms must be below the interval of "*/10 * * * * *" (10 s)',
      ],
    ],
    [
      'a configured timeout that fits, the cleanup that does not',
      { schedule: '*/10 * * * * *', timeoutMs: 8_500 },
      0,
      ['warning journeys.j: with cleanup steps (2000 ms) a run can last 10500 ms'],
    ],
    [
      'jitter counts against the interval',
      { schedule: '*/15 * * * * *' },
      3_000,
      ['error journeys.j.timeoutMs: the journey timeout 12000 ms + 3000 ms start jitter'],
    ],
  ])('%s', (_name, settings, jitter, expected) => {
    const found = scheduleProblems({ journeys: { j: settings }, scheduler: { maxRandomDelayMs: jitter } }, [j]);
    for (const p of found) expect(ProblemSchema.parse(p)).toEqual(p);
    expect(found.map((p) => `${p.severity} ${problemLine(p)}`)).toEqual(
      expected.map((e) => expect.stringContaining(e)),
    );
  });
});

const dir = mkdtempSync(join(tmpdir(), 'prober-pass-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validateConfig: one pass, typed problems, errors and warnings together', () => {
  it('collects cross-check errors, schedule budgets and the TLS warning in one answer', async () => {
    const api = pathToFileURL(join(ROOT, 'src/index.ts')).href;
    writeFileSync(
      join(dir, 'j.ts'),
      `import { journey, step } from '${api}';\nexport default journey({ name: 'j', description: 'd', capability: 'c', steps: [step('a', { service: 'svc' }, () => {}), step('b', { service: 'other' }, () => {})] });\n`,
    );
    const raw = {
      environment: 'x',
      targets: { svc: 'https://127.0.0.1:9' },
      probes: ['j.ts'],
      tls: { svc: { insecure: true } },
      journeys: { j: { schedule: '*/5 * * * * *' } },
    };
    const { problems, loaded } = await validateConfig(raw, join(dir, 'prober.config.json'));
    expect(loaded).toBeUndefined();
    for (const p of problems) ProblemSchema.parse(p);
    expect(problems.map((p) => [p.severity, p.path])).toEqual([
      ['error', 'targets'],
      ['error', 'journeys.j.timeoutMs'],
      ['warning', 'tls.svc.insecure'],
    ]);
  });

  it('a schema error stops before the cross-checks and is a typed problem too', async () => {
    const { problems } = await validateConfig(
      { environment: 'x', targets: {}, probes: [], tragets: {} },
      join(dir, 'c.json'),
    );
    expect(problems.map((p) => `${p.severity} ${problemLine(p)}`)).toEqual([
      'error tragets: unknown key (check the spelling; unknown keys are refused)',
      'error probes: name at least one journey file glob in probes, or a Playwright suite in suites',
    ]);
  });
});
