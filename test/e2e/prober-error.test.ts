import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli } from '../support/cli.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox?.close());

describe('a bug in a probe', () => {
  it('is status error, category prober, exit 2, and never reported as the environment failing', async () => {
    const cli = await runCli([
      'run',
      '--config',
      join(ROOT, 'test/fixtures/buggy.ts'),
      '--target',
      `auth=${sandbox.urls.auth}`,
      '--reporter',
      'json',
    ]);
    expect(cli.code).toBe(2);
    const result = RunResult.parse(JSON.parse(cli.stdout));
    const j = result.journeys[0]!;
    expect(result.status).toBe('error');
    expect(result.summary).toEqual({ journeys: 1, passed: 0, degraded: 0, flaky: 0, failed: 0, errored: 1 });
    expect(j.steps.map((s) => s.status)).toEqual(['pass', 'error']);
    expect(j.failure).toMatchObject({ step: 'oops', category: 'prober' });
    expect(j.failure!.message).toMatch(/^probe error: TypeError: /);
    expect(j.verdict).toMatch(/^Could not judge whether users can log in: the prober failed in step oops/);
    expect(j.verdict).not.toMatch(/cannot/);
    // The failure points at the probe source line.
    expect(j.steps[1]!.location).toMatch(/test\/fixtures\/buggy-probe\.ts:\d+$/);
  });
});
