import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { journey, step } from '../../src/journey/define.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { browserSettings } from '../../src/steps/browser-launcher.js';
import { BrowserSession } from '../../src/steps/browser-session.js';
import { BIN, ROOT } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';
import { describeWithBrowser } from './browser-gate.js';
import { ChromiumProcesses } from './chromium-processes.js';
import { browserJourney, runInBrowser } from './run-in-browser.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const password = `canary-${randomBytes(9).toString('hex')}`;

describeWithBrowser('browser lifecycle: one browser per process, a context per run, nothing left behind', () => {
  let sandbox: Sandbox;
  let artifactsDir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }] });
    artifactsDir = mkdtempSync(join(tmpdir(), 'prober-browser-artifacts-'));
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(artifactsDir, { recursive: true, force: true });
  });

  it('healthy: the chat page shows the assistant reply (screenshot taken by the test)', async () => {
    const shot = join(ROOT, 'test-results', 'browser-chat-reply.png');
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    const steps = [...browserJourney.steps];
    // Between the reply and the logout: the moment a person would look at the screen.
    steps.splice(
      4,
      0,
      step('test.screenshot', { service: 'web', timeoutMs: 20_000 }, async (ctx) => {
        const reply = ctx.page.locator(
          `[data-role="assistant"][data-state="complete"][data-nonce="${ctx.vars.get('messageNonce')}"]`,
        );
        await reply.waitFor({ state: 'visible' });
        await ctx.page.screenshot({ path: shot, fullPage: true });
        ctx.vars.set('replyText', (await reply.textContent()) ?? '');
      }),
    );
    const withShot = journey({ ...browserJourney, steps });
    const result = await runInBrowser({ sandbox, password, artifactsDir, journey: withShot });
    expect(result.status).toBe('pass');
    expect(result.journeys[0]!.steps.map((s) => s.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(readFileSync(shot).subarray(0, 8).equals(PNG)).toBe(true);
  });

  it('20 runs (passes, failures, timeouts) share one browser, and closing it leaves no Chromium process', async () => {
    const procs = new ChromiumProcesses(randomUUID());
    const session = new BrowserSession(
      { ...browserSettings(undefined), artifactsDir },
      { env: { ...process.env, ...procs.env } },
    );
    const faults = [undefined, 'auth.token=http500', undefined, 'chat.reply=silent', 'web.page=http500'];
    // A silent reply fails only when its deadline passes: 2 s instead of 5 (the reply is a local answer when it comes).
    const silentReply = { 'web.chat.reply': { timeoutMs: 2_000, budgetMs: 1_500 } };
    const peaks: number[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const fault = faults[i % faults.length];
        if (fault === undefined) sandbox.faults.clear();
        else sandbox.faults.set(fault);
        const steps = fault === 'chat.reply=silent' ? silentReply : {};
        const result = await runInBrowser({ sandbox, password, artifactsDir, session, steps });
        expect(result.status, `run ${i} (${fault ?? 'healthy'})`).toBe(fault === undefined ? 'pass' : 'fail');
        expectNoSecrets(`run ${i} JSON`, JSON.stringify(result), password);
        peaks.push(procs.count());
      }
    } finally {
      sandbox.faults.clear();
      await session.close();
    }
    // One browser throughout: after the 20th run the count is what it was early on (contexts closed). Chromium starts
    // and retires utility processes on its own (8-12 over 500 runs in bench/browser; +3 seen in CI), so allow that;
    // a leaked context per run would add 15 or more here.
    expect(peaks[19]).toBeLessThanOrEqual(Math.max(...peaks.slice(0, 5)) + 4);
    expect(await procs.settle(0)).toBe(0);
  }, 400_000);

  it('a Chromium killed mid-run is a prober error, not an outage; the next run relaunches and passes', async () => {
    const procs = new ChromiumProcesses(randomUUID());
    const session = new BrowserSession(
      { ...browserSettings(undefined), artifactsDir },
      { env: { ...process.env, ...procs.env } },
    );
    try {
      const steps = [...browserJourney.steps];
      steps.splice(
        1,
        0,
        step('test.kill-browser', { service: 'web' }, () => {
          // SIGKILL every process of this browser: what the OOM killer does.
          for (const pid of procs.list()) process.kill(pid, 'SIGKILL');
        }),
      );
      const crashed = await runInBrowser({
        sandbox,
        password,
        artifactsDir,
        session,
        journey: journey({ ...browserJourney, steps }),
      });
      const j = crashed.journeys[0]!;
      expect(crashed.status).toBe('error');
      expect(j.failure).toMatchObject({ step: 'web.login', category: 'prober' });
      expect(await procs.settle(0)).toBe(0);
      const next = await runInBrowser({ sandbox, password, artifactsDir, session });
      expect(next.status).toBe('pass');
    } finally {
      await session.close();
    }
    expect(await procs.settle(0)).toBe(0);
  }, 120_000);

  it('SIGTERM mid-run: the run is reported aborted, exit 143, and the CLI closes its Chromium', async () => {
    const procs = new ChromiumProcesses(randomUUID(), mkdtempSync(join(tmpdir(), 'prober-browser-tmp-')));
    const cwd = mkdtempSync(join(tmpdir(), 'prober-browser-sigterm-'));
    sandbox.faults.set('chat.reply=silent');
    const targets = ['auth', 'backend', 'web'].flatMap((t) => ['--target', `${t}=${sandbox.urls[t as 'auth']}`]);
    const args = [
      'run',
      '--config',
      join(ROOT, 'test/fixtures/browser-sandbox.ts'),
      ...targets,
      '--reporter',
      'json',
      '--log-level',
      'debug',
      '--log-format',
      'json',
    ];
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', SANDBOX_PASSWORD: password, ...procs.env },
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // web.chat.send ended: the reply step, which the fault keeps waiting, is now in flight.
      if (!signalled && /"step":"web\.chat\.send"[^\n]*"msg":"step\/end"/.test(stderr)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    sandbox.faults.clear();
    rmSync(cwd, { recursive: true, force: true });
    expect(signalled).toBe(true);
    expect(code).toBe(143);
    const result = RunResult.parse(JSON.parse(stdout));
    expect(result.status).toBe('error');
    expect(result.journeys[0]!.failure).toMatchObject({ step: 'web.chat.reply', category: 'aborted' });
    expectNoSecrets('stdout', stdout, password);
    expectNoSecrets('stderr', stderr, password);
    expect(await procs.settle(0)).toBe(0);
  }, 120_000);
});
