import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { BIN, ROOT, runCli } from '../support/cli.js';

const password = 'janitor-test-password';
let sandbox: Sandbox;
let targets: string[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }] });
  targets = ['auth', 'backend', 'web'].flatMap((t) => ['--target', `${t}=${sandbox.urls[t as 'auth']}`]);
});
afterAll(() => sandbox?.close());

/** Starts a run that will sit in chat.reply, and SIGKILLs it once its chat session exists: what an OOM kill leaves. */
async function killMidRun(): Promise<void> {
  sandbox.faults.set('chat.reply=silent');
  const before = sandbox.chatSessions().length;
  const child = spawn(
    process.execPath,
    [BIN, 'run', '--config', join(ROOT, 'test/fixtures/sandbox-fast.ts'), ...targets],
    {
      env: { ...process.env, SANDBOX_PASSWORD: password },
      stdio: 'ignore',
    },
  );
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const deadline = Date.now() + 60_000; // a cold CLI start on a loaded CI box
    while (sandbox.chatSessions().length === before) {
      if (Date.now() > deadline) throw new Error('the run never created its chat session');
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
    sandbox.faults.clear();
  }
}

describe('leftovers of a killed run', () => {
  it('prober janitor deletes the synthetic session a SIGKILLed run left behind, and says how many', async () => {
    await killMidRun();
    expect(sandbox.chatSessions()).toHaveLength(1);
    expect(sandbox.chatSessions()[0]!.synthetic).toMatch(/^[0-9a-f-]{36}$/);

    const young = await runCli(['janitor', '--config', join(ROOT, 'test/fixtures/sandbox-fast.ts'), ...targets], {
      env: { SANDBOX_PASSWORD: password },
    });
    expect(young.stdout.trim()).toBe('golden-path-api: deleted 0 synthetic leftovers older than 600000 ms');
    expect(sandbox.chatSessions()).toHaveLength(1);

    const all = await runCli(
      ['janitor', '--config', join(ROOT, 'test/fixtures/sandbox-fast.ts'), '--older-than', '0', ...targets],
      { env: { SANDBOX_PASSWORD: password } },
    );
    expect(all.code).toBe(0);
    expect(all.stdout.trim()).toBe('golden-path-api: deleted 1 synthetic leftovers older than 0 ms');
    expect(sandbox.chatSessions()).toHaveLength(0);
  });

  it('the next passing run cleans up too, and reports it in the result without touching the verdict', async () => {
    await killMidRun();
    expect(sandbox.chatSessions()).toHaveLength(1);
    const cli = await runCli(
      ['run', '--config', join(ROOT, 'test/fixtures/sandbox-janitor.ts'), ...targets, '--reporter', 'json'],
      { env: { SANDBOX_PASSWORD: password } },
    );
    const j = RunResult.parse(JSON.parse(cli.stdout)).journeys[0]!;
    expect(j.status).toBe('pass');
    expect(j.janitor).toEqual({ status: 'pass', deleted: 1 });
    expect(sandbox.chatSessions()).toHaveLength(0);
  });
});
