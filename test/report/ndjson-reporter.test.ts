import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';

const canary = 'ndjson-canary-Pa55word-91c';
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    users: [{ email: 'probe@sandbox.test', password: canary }],
    faults: ['chat.reply=empty'],
  });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('ndjson reporter', () => {
  it('streams journey and step events in order, then run/end with the schema-valid result; stdout holds nothing else', async () => {
    const targets = (['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]);
    const cli = await runCli(
      ['run', '--config', join(ROOT, 'test/fixtures/sandbox-fast.ts'), ...targets, '--reporter', 'ndjson'],
      { env: { SANDBOX_PASSWORD: canary } },
    );
    expect(cli.code).toBe(1);
    const lines = cli.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const steps = ['auth.token', 'session.create', 'chat.connect', 'chat.send', 'chat.reply', 'session.close'];
    expect(lines.map((l) => `${l.type}${l.step === undefined ? '' : ` ${String(l.step)}`}`)).toEqual([
      'journey/start',
      ...steps.flatMap((s) => [`step/start ${s}`, `step/end ${s}`]),
      'journey/end chat.reply',
      'run/end',
    ]);
    const reply = lines.find((l) => l.type === 'step/end' && l.step === 'chat.reply')!;
    expect(reply).toMatchObject({
      journey: 'golden-path-api',
      service: 'backend',
      status: 'fail',
      category: 'assertion',
    });
    expect(reply.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(RunResult.parse(lines.at(-1)!.result).status).toBe('fail');
    expect(cli.stderr).toMatch(/FAIL +golden-path-api/); // the verdict moved to stderr
    expectNoSecrets('ndjson', cli.stdout, canary);
  });
});
