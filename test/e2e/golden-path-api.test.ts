import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli, type CliResult } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const config = join(ROOT, 'test/fixtures/sandbox-fast.ts');
const out = mkdtempSync(join(tmpdir(), 'prober-e2e-'));
let sandbox: Sandbox;
let n = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }], dripIntervalMs: 500 });
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(out, { recursive: true, force: true });
});
afterEach(() => sandbox.faults.clear());

async function probe(extra: string[] = []): Promise<{ cli: CliResult; result: RunResult; json: string }> {
  const file = join(out, `run-${++n}.json`);
  const targets = ['auth', 'backend', 'web'].flatMap((t) => ['--target', `${t}=${sandbox.urls[t as 'auth']}`]);
  const cli = await runCli(
    [
      'run',
      '--config',
      config,
      ...targets,
      '--reporter',
      'console',
      '--reporter',
      `json=${file}`,
      '--log-level',
      'debug',
      ...extra,
    ],
    {
      env: { SANDBOX_PASSWORD: canary },
    },
  );
  const json = readFileSync(file, 'utf8');
  for (const [where, text] of [
    ['stdout', cli.stdout],
    ['stderr', cli.stderr],
    ['JSON file', json],
  ] as const)
    expectNoSecrets(where, text, canary);
  return { cli, result: RunResult.parse(JSON.parse(json)), json };
}

const STEPS = ['auth.token', 'session.create', 'chat.connect', 'chat.send', 'chat.reply', 'session.close'];

describe('golden path over the API against the sandbox', () => {
  it('healthy: pass, six passing steps, exit 0, a business verdict', async () => {
    const { cli, result } = await probe();
    expect(cli.code).toBe(0);
    expect(result.status).toBe('pass');
    const j = result.journeys[0]!;
    expect(j.steps.map((s) => [s.name, s.status])).toEqual(STEPS.map((s) => [s, 'pass']));
    expect(j.verdict).toBe('Users can log in and chat');
    expect(cli.stdout).toContain('golden-path-api: Users can log in and chat');
    const reply = j.steps.find((s) => s.name === 'chat.reply')!;
    expect(reply.evidence?.metrics?.firstDeltaMs).toBeGreaterThan(0);
    expect(reply.evidence!.metrics!.completedMs).toBeGreaterThanOrEqual(reply.evidence!.metrics!.firstDeltaMs!);
    // Every step carries the journey's trace id; HTTP steps carry the service's request id.
    const traceIds = new Set(j.steps.map((s) => s.evidence?.traceId));
    expect(traceIds.size).toBe(1);
    expect(j.steps[0]!.evidence?.requestIds?.[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sandbox.chatSessions()).toHaveLength(0);
  });

  const matrix: [fault: string, step: string, service: string, category: string][] = [
    ['auth.token=http500', 'auth.token', 'auth', 'http_status'],
    ['auth.token=hang', 'auth.token', 'auth', 'timeout'],
    ['auth.token=malformed', 'auth.token', 'auth', 'contract'],
    ['auth.token=schema', 'auth.token', 'auth', 'contract'],
    ['auth.token=refuse', 'auth.token', 'auth', 'network'],
    ['auth.token=reset', 'auth.token', 'auth', 'network'],
    ['auth.token=badaud', 'session.create', 'backend', 'auth'],
    ['session.create=http404', 'session.create', 'backend', 'http_status'],
    ['session.create=drip', 'session.create', 'backend', 'timeout'],
    ['session.create=reset', 'session.create', 'backend', 'network'],
    ['chat.connect=http401', 'chat.connect', 'backend', 'auth'],
    ['chat.reply=silent', 'chat.reply', 'backend', 'timeout'],
    ['chat.reply=close', 'chat.reply', 'backend', 'network'],
    ['chat.reply=empty', 'chat.reply', 'backend', 'assertion'],
    ['chat.reply=wrongnonce', 'chat.reply', 'backend', 'assertion'],
  ];

  it.each(matrix)('%s → fails at %s (%s, %s), exit 1', async (fault, step, service, category) => {
    sandbox.faults.set(fault);
    const sessionsBefore = sandbox.chatSessions().length;
    const { cli, result } = await probe();
    expect(cli.code).toBe(1);
    const j = result.journeys[0]!;
    expect(result.status).toBe('fail');
    expect(result.summary).toMatchObject({ journeys: 1, failed: 1, passed: 0 });
    expect(j.failure).toMatchObject({ step, service, category });
    expect(j.verdict).toMatch(
      new RegExp(`^Users cannot log in and chat: ${service} step ${step.replace('.', '\\.')} failed \\(${category}\\)`),
    );
    const at = STEPS.indexOf(step);
    for (const s of j.steps.slice(at + 1, -1)) expect(s.status).toBe('skipped');
    const failed = j.steps[at]!;
    if (category === 'timeout') expect(failed.durationMs).toBeLessThanOrEqual(failed.timeoutMs + 1_000);
    // Cleanup runs whenever the prober learnt a session id, and then leaves nothing behind. (When the create
    // response itself is cut, the backend may hold a session the prober never heard of: the janitor's job.)
    const close = j.steps.at(-1)!;
    const hadSession = at >= STEPS.indexOf('chat.connect');
    expect(close.status).toBe(hadSession ? 'pass' : 'skipped');
    if (hadSession || step === 'auth.token') expect(sandbox.chatSessions()).toHaveLength(sessionsBefore);
  });

  it('a slow token under its timeout but over its budget is degraded: exit 0, or 1 with --fail-on degraded', async () => {
    sandbox.faults.set('auth.token=slow:4000');
    // Both runs at once: each waits 4 s on the token, and neither changes the sandbox.
    const [plain, strict] = await Promise.all([probe(), probe(['--fail-on', 'degraded'])]);
    expect(plain.result.status).toBe('degraded');
    expect(plain.cli.code).toBe(0);
    expect(plain.result.journeys[0]!.verdict).toMatch(
      /^Users can log in and chat, but slowly: step auth\.token took \d+ ms \(budget 3000 ms\)$/,
    );
    expect(strict.result.status).toBe('degraded');
    expect(strict.cli.code).toBe(1);
  });

  it('--reporter json alone writes only the JSON document to stdout', async () => {
    const targets = ['auth', 'backend', 'web'].flatMap((t) => ['--target', `${t}=${sandbox.urls[t as 'auth']}`]);
    const cli = await runCli(
      ['run', '--config', config, ...targets, '--reporter', 'json', '--log-level', 'info', '--log-format', 'json'],
      { env: { SANDBOX_PASSWORD: canary } },
    );
    expect(cli.code).toBe(0);
    const parsed = RunResult.parse(JSON.parse(cli.stdout));
    expect(parsed.status).toBe('pass');
    expect(cli.stderr).toContain('"msg":"run/end"');
    expectNoSecrets('stdout', cli.stdout, canary);
    expectNoSecrets('stderr', cli.stderr, canary);
  });
});
