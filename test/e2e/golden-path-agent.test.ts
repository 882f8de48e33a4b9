import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { runCli, type CliResult } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';

const out = mkdtempSync(join(tmpdir(), 'prober-agent-'));
let n = 0;
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** `prober demo golden-path-agent`: the bundled probe, the bundled config, a sandbox with a fresh password. */
async function demo(faults: string[]): Promise<{ cli: CliResult; result: RunResult }> {
  const file = join(out, `run-${++n}.json`);
  const cli = await runCli(['demo', 'golden-path-agent', ...faults.flatMap((f) => ['--fault', f]), '--reporter', 'console', '--reporter', `json=${file}`, '--log-level', 'debug']);
  const json = readFileSync(file, 'utf8');
  // Every token the sandbox mints is a JWT: none may appear, bare or as `jwt.<token>`.
  for (const [where, text] of [['stdout', cli.stdout], ['stderr', cli.stderr], ['JSON file', json]] as const) {
    expectNoSecrets(where, text, 'no-canary-in-demo');
    expect(/jwt\.(?!\[REDACTED\])[A-Za-z0-9_-]{8,}/.test(text), `${where} carries a jwt.<token> subprotocol`).toBe(false);
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
    ['agent.reply=toolstuck', 'agent.reply', 'assertion', /after agent_started, agent_thinking, tool_executing: no tool_completed within/],
    ['agent.reply=outoforder', 'agent.reply', 'assertion', /^tool_completed arrived before its tool_executing/],
    ['agent.reply=completedonly', 'agent.reply', 'assertion', /^agent_completed arrived without agent_started, agent_thinking, tool_executing, tool_completed/],
    ['agent.reply=silent', 'agent.reply', 'assertion', /went quiet after agent_started: no agent_thinking within/],
    ['agent.reply=wrongmessage', 'agent.reply', 'assertion', /^no agent_started for our message .* answered another message/],
    ['agent.reply=close', 'agent.reply', 'network', /closed after agent_started, agent_thinking, before tool_executing/],
    ['agent.connect=http401', 'agent.connect', 'auth', /401/],
    ['agent.connect=noecho', 'agent.connect', 'contract', /^the server accepted the WebSocket upgrade without selecting any offered subprotocol \(jwt-auth\)$/],
  ];

  it.each(matrix)('%s → fails at %s (%s) naming the event, logs out, exit 1', async (fault, step, category, message) => {
    const { cli, result } = await demo([fault]);
    expect(cli.code).toBe(1);
    const j = result.journeys[0]!;
    const failed = j.steps.filter((s) => s.status === 'fail');
    expect(failed.map((s) => s.name)).toEqual([step]);
    expect(failed[0]!.error?.category).toBe(category);
    expect(failed[0]!.error?.message).toMatch(message);
    expect(j.steps.find((s) => s.name === 'auth.logout')?.status).toBe('pass');
    expect(cli.stdout).toContain(`golden-path-agent: Users cannot log in and get an answer from the agent: backend step ${step} failed (${category})`);
  });
});
