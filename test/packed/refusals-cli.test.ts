import { describe, expect, it } from 'vitest';
import { hasStackTrace } from '../support/cli.js';
import { packedProject } from '../support/packed-project.js';

// What cannot be meant, written as a user would in a fresh project: `prober validate` names each problem's
// path, and `prober run` refuses the same config with exit 2 before running anything.
const JOURNEYS = `import { journey, step } from 'golden-path-prober';

export const empty = journey({ name: 'empty', description: 'd', capability: 'do nothing', steps: [] });

export const big = journey({
  name: 'big',
  description: 'd',
  capability: 'wait for ever',
  needs: { secrets: ['pasword'] },
  steps: [
    step('forever', { service: 'svc', timeoutMs: 2 ** 31 }, () => {}),
    step('neg', { service: 'svc', timeoutMs: -5, budgetMs: 1.5 }, () => {}),
    step('typo', { service: 'autth' }, () => {}),
  ],
});
`;

const BROKEN = `import { journey } from 'golden-path-prober';
export default journey({
  name: 'broken',,
});
`;

const EXITS = `import { journey, step } from 'golden-path-prober';
process.exit(0);
export default journey({ name: 'exits', description: 'd', capability: 'c', steps: [step('s', { service: 'svc' }, () => {})] });
`;

const CONFIG = JSON.stringify({
  environment: 'refusals',
  targets: { svc: 'http://127.0.0.1:9', auth: 'http://127.0.0.1:9' },
  probes: ['journeys.ts', 'broken.ts', 'exits.ts'],
  secrets: { password: '${env:REFUSAL_PASSWORD}' },
  journeys: { bgi: {}, big: { steps: { ng: {} } } },
});

const EXPECTED = [
  'prober: journeys.ts: journey empty has no steps; a journey that checks nothing would always pass',
  "prober: journeys.ts: journey big step forever timeoutMs: 2147483648 ms is more than Node's timers can wait (at most 2147483647 ms, about 24.8 days)",
  'prober: journeys.ts: journey big step neg timeoutMs: -5 must be at least 1 ms',
  'prober: journeys.ts: journey big step neg budgetMs: 1.5 is not a whole number of milliseconds',
  'prober: targets: journey big step typo uses service "autth", which has no target URL (did you mean "auth"?); add targets.autth',
  'prober: secrets.pasword: journey big needs this secret (did you mean "password"?)',
  'prober: broken.ts: could not load: syntax error at broken.ts:3:18: Expected identifier but found ","',
  'prober: exits.ts: could not load: ProbeFault: probe bug in exits.ts (while loading): the probe called process.exit(0), which a probe may not do',
  'prober: journeys.bgi: no journey named "bgi" was found in probes (did you mean "big"?)',
  'prober: journeys.big.steps.ng: journey big has no step "ng" (did you mean "neg"?)',
];

describe('refusals and messages through the packed CLI', () => {
  it('validate lists every problem with its path and a suggestion; run refuses with exit 2', async () => {
    const project = packedProject();
    const dir = await project.workspace({
      'prober.config.json': CONFIG,
      'journeys.ts': JOURNEYS,
      'broken.ts': BROKEN,
      'exits.ts': EXITS,
    });
    const env = { REFUSAL_PASSWORD: 'refusal-password-1' };
    for (const command of ['validate', 'run']) {
      const r = await project.prober([command, '--config', 'prober.config.json'], { cwd: dir, env });
      const failure = `${command}: exit ${r.code}\nstderr: ${r.stderr}`;
      expect(r.code, failure).toBe(2);
      for (const line of EXPECTED) expect(r.stderr, failure).toContain(line);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stderr).not.toContain('Transform failed');
    }
  });

  it.each([
    [
      'prober.config.json',
      '{\n  "environment": "x",\n  "targets": { "svc": "http://127.0.0.1:9" },,\n}\n',
      'invalid JSON at prober.config.json:3:46',
    ],
    [
      'prober.config.ts',
      "import { defineConfig } from 'golden-path-prober';\nexport default defineConfig({\n  environment: 'x'\n  targets: {},\n});\n",
      'syntax error at prober.config.ts:4:3',
    ],
  ])('a syntax error in %s says file:line:col and why', async (file, text, where) => {
    const project = packedProject();
    const dir = await project.workspace({ [file]: text });
    const r = await project.prober(['validate', '--config', file], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(where);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
