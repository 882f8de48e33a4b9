import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli, type CliResult } from '../support/cli.js';
import { lanes } from '../support/lanes.js';
import { expectNoSecrets } from '../support/secrets.js';

const out = mkdtempSync(join(tmpdir(), 'prober-agent-'));
let n = 0;
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** `prober demo golden-path-agent`: the bundled probe, the bundled config, a sandbox with a fresh password. */
async function demo(faults: string[]): Promise<{ cli: CliResult; result: RunResult }> {
  const file = join(out, `run-${++n}.json`);
  const cli = await runCli([
    'demo',
    'golden-path-agent',
    ...faults.flatMap((f) => ['--fault', f]),
    '--reporter',
    'console',
    '--reporter',
    `json=${file}`,
    '--log-level',
    'debug',
  ]);
  const json = readFileSync(file, 'utf8');
  // Every token the sandbox mints is a JWT: none may appear, bare or as `jwt.<token>`.
  for (const [where, text] of [
    ['stdout', cli.stdout],
    ['stderr', cli.stderr],
    ['JSON file', json],
  ] as const) {
    expectNoSecrets(where, text, 'no-canary-in-demo');
    expect(/jwt\.(?!\[REDACTED\])[A-Za-z0-9_-]{8,}/.test(text), `${where} carries a jwt.<token> subprotocol`).toBe(
      false,
    );
  }
  return { cli, result: RunResult.parse(JSON.parse(json)) };
}

const STEPS = ['auth.token', 'agent.connect', 'agent.reply', 'auth.logout'];

describe('golden-path-agent against the sandbox, through the CLI', () => {
  it('healthy: pass, every step passes, time to first event and to completion recorded', async () => {
    const { cli, result } = await demo([]);
    expect(cli.code).toBe(0);
    const j = result.journeys[0]!;
    expect(j.journey).toBe('golden-path-agent');
    expect(j.steps.map((s) => [s.name, s.status])).toEqual(STEPS.map((s) => [s, 'pass']));
    expect(j.verdict).toBe('Users can log in and get an answer from the agent');
    const metrics = j.steps.find((s) => s.name === 'agent.reply')!.evidence!.metrics!;
    expect(metrics.firstEventMs).toBeGreaterThan(0);
    expect(metrics.completedMs).toBeGreaterThanOrEqual(metrics.firstEventMs!);
  });

  const matrix: [fault: string, step: string, category: string, message: RegExp][] = [
    [
      'agent.reply=toolstuck',
      'agent.reply',
      'assertion',
      /after agent_started, agent_thinking, tool_executing: no tool_completed within/,
    ],
    ['agent.reply=outoforder', 'agent.reply', 'assertion', /^tool_completed arrived before its tool_executing/],
    [
      'agent.reply=completedonly',
      'agent.reply',
      'assertion',
      /^agent_completed arrived without agent_started, agent_thinking, tool_executing, tool_completed/,
    ],
    ['agent.reply=silent', 'agent.reply', 'assertion', /went quiet after agent_started: no agent_thinking within/],
    [
      'agent.reply=wrongmessage',
      'agent.reply',
      'assertion',
      /^no agent_started for our message .* answered another message/,
    ],
    [
      'agent.reply=close',
      'agent.reply',
      'network',
      /closed after agent_started, agent_thinking, before tool_executing/,
    ],
    ['agent.connect=http401', 'agent.connect', 'auth', /401/],
    [
      'agent.connect=noecho',
      'agent.connect',
      'contract',
      /^the server accepted the WebSocket upgrade without selecting any offered subprotocol \(jwt-auth\)$/,
    ],
  ];

  // Each `prober demo` starts its own sandbox with its fault: the rows run concurrently, three at a time, since
  // several wait out an event deadline.
  const lane = lanes(3);
  it.concurrent.each(matrix)(
    '%s → fails at %s (%s) naming the event, logs out, exit 1',
    async (fault, step, category, message) => {
      const { cli, result } = await lane(() => demo([fault]));
      expect(cli.code).toBe(1);
      const j = result.journeys[0]!;
      const failed = j.steps.filter((s) => s.status === 'fail');
      expect(failed.map((s) => s.name)).toEqual([step]);
      expect(failed[0]!.error?.category).toBe(category);
      expect(failed[0]!.error?.message).toMatch(message);
      expect(j.steps.find((s) => s.name === 'auth.logout')?.status).toBe('pass');
      expect(cli.stdout).toContain(
        `golden-path-agent: Users cannot log in and get an answer from the agent: backend step ${step} failed (${category})`,
      );
    },
  );
});

describe('golden-path-agent with a shortened reply deadline', () => {
  it('a stall is still named (assertion within a third of the 3 s step), not a bare step timeout', async () => {
    const password = 'short-deadline-password';
    const sandbox = await startSandbox({
      users: [{ email: 'probe@sandbox.test', password }],
      faults: ['agent.reply=silent'],
    });
    try {
      const file = join(out, 'short.json');
      const targets = (['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]);
      const cli = await runCli(
        [
          'run',
          '--config',
          join(ROOT, 'test/fixtures/agent-short-deadline.ts'),
          ...targets,
          '--reporter',
          `json=${file}`,
        ],
        {
          env: { SANDBOX_PASSWORD: password },
        },
      );
      expect(cli.code).toBe(1);
      const step = RunResult.parse(JSON.parse(readFileSync(file, 'utf8'))).journeys[0]!.steps.find(
        (s) => s.name === 'agent.reply',
      )!;
      expect(step.error).toMatchObject({
        category: 'assertion',
        message: expect.stringMatching(/after agent_started: no agent_thinking within \d+ ms$/),
      });
      const bound = Number(/within (\d+) ms/.exec(step.error!.message)![1]);
      expect(bound).toBeLessThanOrEqual(1000);
    } finally {
      await sandbox.close();
    }
  });
});
