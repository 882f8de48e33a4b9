import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { runNodeScript } from '../support/node-script.js';
import { packedProject } from '../support/packed-project.js';

// `createProber().run()` and `prober run` are assembled by the same composition root: from the packed package, a
// browser that cannot launch is the same `error` result from both, and both log the same validation warnings.

const JOURNEY = `import { journey, step } from 'golden-path-prober';
export default journey({
  name: 'page',
  description: 'the home page shows its heading',
  capability: 'open the home page',
  needs: { browser: true },
  steps: [
    step('web.open', { service: 'web', timeoutMs: 1_000 }, async (ctx) => {
      await ctx.page.goto(ctx.target('web'));
    }),
    step('web.cleanup', { service: 'web', timeoutMs: 500, always: true }, async () => undefined),
  ],
});
`;

/** Chromium "missing" (a path that is not there), and a schedule the cleanup step overruns: a validation warning. */
const CONFIG = JSON.stringify({
  environment: 'api-matches-cli',
  targets: { web: 'http://127.0.0.1:9' },
  probes: ['page.ts'],
  browser: { executablePath: '/nonexistent/chromium' },
  scheduler: { maxRandomDelayMs: 0 },
  journeys: { page: { schedule: '*/2 * * * * *', timeoutMs: 1_800 } },
});

const API = `import { createProber } from 'golden-path-prober';
const prober = await createProber({ config: 'prober.config.json' });
const result = await prober.run();
process.stdout.write(JSON.stringify(result));
`;

/** The validation warnings on stderr: pino warning lines (level 40) carrying the config `path` they are about. */
function warnings(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; path?: string })
    .filter((l) => l.level === 40 && l.path !== undefined)
    .map((l) => l.msg)
    .sort();
}

/** What a verdict-less run says: its status and each journey's first step error. */
function judgement(result: RunResult) {
  return {
    status: result.status,
    journeys: result.journeys.map((j) => ({
      journey: j.journey,
      status: j.status,
      error: j.steps[0]?.error,
    })),
  };
}

describe('createProber().run() and prober run, from the packed package', { timeout: 60_000 }, () => {
  it('Chromium missing: the same error result (category prober), exit 2 from the CLI; the same warnings logged', async () => {
    const p = packedProject();
    const dir = await p.workspace({ 'page.ts': JOURNEY, 'prober.config.json': CONFIG, 'api.mjs': API });
    const [cli, api] = await Promise.all([
      p.prober(['run', '--config', join(dir, 'prober.config.json'), '--reporter', 'json', '--log-format', 'json'], {
        cwd: dir,
      }),
      runNodeScript(join(dir, 'api.mjs'), dir),
    ]);
    expect(cli.code, cli.stderr).toBe(2);
    expect(api.code, api.stderr).toBe(0);
    const fromCli = RunResult.parse(JSON.parse(cli.stdout));
    const fromApi = RunResult.parse(JSON.parse(api.stdout));
    expect(judgement(fromApi)).toEqual(judgement(fromCli));
    expect(fromApi.status).toBe('error');
    expect(fromApi.journeys[0]?.steps[0]?.error?.category).toBe('prober');
    expect(fromApi.journeys[0]?.steps[0]?.error?.message).toMatch(/\/nonexistent\/chromium/);

    const logged = warnings(api.stderr);
    expect(logged).toEqual(warnings(cli.stderr));
    expect(logged).toEqual([expect.stringMatching(/^journeys\.page: with cleanup steps \(500 ms\) a run can last/)]);
  });
});
