import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { readZip } from '../../src/steps/browser-trace-scrub.js';
import { hasStackTrace, ROOT, runCli, type CliResult } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';
import { describeWithBrowser } from './browser-gate.js';
import { ChromiumProcesses } from './chromium-processes.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const STEPS = ['web.open', 'web.login', 'web.chat.send', 'web.chat.reply', 'web.logout'];
const canary = `canary-${randomBytes(9).toString('hex')}`;
const config = join(ROOT, 'test/fixtures/browser-sandbox.ts');

describeWithBrowser('golden path through the web UI, via the real CLI', () => {
  let sandbox: Sandbox;
  let work: string;
  let n = 0;
  beforeAll(async () => {
    sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
    work = mkdtempSync(join(tmpdir(), 'prober-browser-cli-'));
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(work, { recursive: true, force: true });
  });
  afterEach(() => sandbox.faults.clear());

  /** One CLI run in its own working directory and TMPDIR, so its artifacts and Chromium processes are told apart. */
  async function probe(
    configPath = config,
  ): Promise<{ cli: CliResult; result: RunResult; cwd: string; procs: ChromiumProcesses }> {
    const cwd = join(work, `run-${++n}`);
    const procs = new ChromiumProcesses(randomUUID(), mkdtempSync(join(tmpdir(), 'prober-browser-tmp-')));
    mkdirSync(cwd, { recursive: true });
    const targets = ['auth', 'backend', 'web'].flatMap((t) => ['--target', `${t}=${sandbox.urls[t as 'auth']}`]);
    const file = join(cwd, 'result.json');
    const cli = await runCli(
      ['run', '--config', configPath, ...targets, '--reporter', 'console', '--reporter', `json=${file}`],
      {
        cwd,
        env: { SANDBOX_PASSWORD: canary, ...procs.env },
      },
    );
    const json = readFileSync(file, 'utf8');
    for (const [where, text] of [
      ['stdout', cli.stdout],
      ['stderr', cli.stderr],
      ['JSON', json],
    ] as const)
      expectNoSecrets(where, text, canary);
    // Whatever the outcome, the CLI left no Chromium behind.
    expect(await procs.settle(0)).toBe(0);
    return { cli, result: RunResult.parse(JSON.parse(json)), cwd, procs };
  }

  it('healthy: pass, five passing steps, exit 0, no artifacts', async () => {
    const { cli, result, cwd } = await probe();
    expect(cli.code).toBe(0);
    expect(result.status).toBe('pass');
    const j = result.journeys[0]!;
    expect(j.steps.map((s) => [s.name, s.status])).toEqual(STEPS.map((s) => [s, 'pass']));
    expect(j.verdict).toBe('Users can log in and chat in the web app');
    expect(j.steps.find((s) => s.name === 'web.chat.reply')?.evidence?.metrics?.replyMs).toBeGreaterThan(0);
    expect(existsSync(join(cwd, 'artifacts', result.runId))).toBe(false);
    expect(sandbox.chatSessions()).toHaveLength(0);
  });

  const matrix: [fault: string, step: string, service: string, category: string][] = [
    ['auth.token=http500', 'web.login', 'auth', 'http_status'],
    ['chat.reply=silent', 'web.chat.reply', 'backend', 'timeout'],
    ['web.page=http500', 'web.open', 'web', 'http_status'],
  ];

  it.each(matrix)(
    '%s → %s fails (%s, %s), exit 1, with a PNG screenshot and a scrubbed trace',
    async (fault, step, service, category) => {
      sandbox.faults.set(fault);
      const { cli, result, cwd } = await probe();
      expect(cli.code).toBe(1);
      expect(result.status).toBe('fail');
      const j = result.journeys[0]!;
      expect(j.failure).toMatchObject({ step, service, category });
      const failed = j.steps.find((s) => s.name === step)!;
      if (category === 'timeout') expect(failed.durationMs).toBeLessThanOrEqual(failed.timeoutMs + 1_000);
      if (category === 'http_status') expect(failed.error?.httpStatus).toBe(500);
      // Cleanup still logs out whenever the chat page was reached.
      expect(j.steps.at(-1)!.status).toBe(STEPS.indexOf(step) >= STEPS.indexOf('web.chat.send') ? 'pass' : 'skipped');

      const artifacts = failed.artifacts ?? [];
      const screenshot = artifacts.find((a) => a.endsWith('.png'));
      expect(screenshot).toBeDefined();
      expect(readFileSync(screenshot!).subarray(0, 8).equals(PNG)).toBe(true);
      expect(screenshot!.startsWith(join(cwd, 'artifacts', result.runId, j.journey))).toBe(true);
      expect(basename(screenshot!)).toBe(`${step}.png`);
      for (const path of artifacts) expect(path).not.toContain(canary);

      const trace = artifacts.find((a) => a.endsWith('trace.zip'));
      expect(trace).toBeDefined();
      const entries = readZip(readFileSync(trace!));
      expect(entries.length).toBeGreaterThan(0);
      for (const e of entries) {
        expect(e.name).not.toContain(canary);
        expect(e.data.includes(canary), `trace entry ${e.name} contains the canary`).toBe(false);
        expect(
          e.data.includes(Buffer.from(canary).toString('base64')),
          `trace entry ${e.name} contains the canary (base64)`,
        ).toBe(false);
      }
      // The password was typed before these failures: proof the scrubber had something to remove.
      if (step !== 'web.open') expect(entries.some((e) => e.data.includes('[REDACTED]'))).toBe(true);
    },
  );

  it('a bad browser.executablePath is status error, category prober, exit 2, never "users cannot"', async () => {
    const { cli, result } = await probe(join(ROOT, 'test/fixtures/browser-bad-executable.ts'));
    expect(cli.code).toBe(2);
    expect(result.status).toBe('error');
    const j = result.journeys[0]!;
    expect(j.failure).toMatchObject({ step: 'web.open', category: 'prober' });
    expect(j.failure!.message).toContain('/nonexistent/chromium-for-test');
    expect(j.verdict).not.toMatch(/cannot/);
    expect(j.steps.at(-1)).toMatchObject({ name: 'web.logout', status: 'skipped' });
    expect(hasStackTrace(cli.stderr)).toBe(false);
  });
});
