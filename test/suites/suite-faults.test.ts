import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeWithBrowser } from '../browser/browser-gate.js';
import { runSuite, suiteWorkspace } from './suite-workspace.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const SEND = 'chat-suite: sends a message and sees the reply';

/** A sandbox of the test's own, closed after it: the cases run at once, each with its own fault. */
async function withSandbox<T>(fn: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.close();
  }
}

describeWithBrowser(
  'a Playwright suite under sandbox faults and at its deadline (packed package, real @playwright/test)',
  () => {
    let ws: string;
    beforeAll(async () => {
      ws = await suiteWorkspace();
    });

    // The rest of the bundled browser journey's fault matrix, with the step, service and category that
    // test/browser/golden-path-browser-cli.test.ts asserts for the bundled journey. (auth.token=http500, in
    // suite-run.test.ts, runs both in one run and compares them directly; here the suite runs alone, for CI time.)
    // The three cases are concurrent (each its own sandbox and `prober run`): two of them wait out a deadline.
    it.concurrent.each([
      ['chat.reply=silent', 'web.chat.reply', 'backend', 'timeout'],
      ['web.page=http500', 'web.open', 'web', 'http_status'],
    ])('%s → %s (%s, %s), as the bundled browser journey gets', async (fault, step, service, category) => {
      await withSandbox(async (sandbox) => {
        sandbox.faults.set(fault);
        const { cli, result } = await runSuite(ws, sandbox, canary, [SEND]);
        expect(cli.code).toBe(1);
        expect(result.journeys.find((j) => j.journey === SEND)?.failure).toMatchObject({ step, service, category });
      });
    });

    it.concurrent('a test that hangs ends at the journey deadline as timeout, with no Chromium left', async () => {
      const hang = await suiteWorkspace({ suite: "grep: '@hang',\n      timeoutMs: 20_000," });
      // runSuite also waits for the run's Chromium processes to be gone (ChromiumProcesses.settle(0)).
      const { cli, result } = await withSandbox((sandbox) =>
        runSuite(hang, sandbox, canary, ['chat-suite: hangs @hang']),
      );
      expect(cli.code).toBe(1);
      const j = result.journeys[0]!;
      expect(j.failure).toMatchObject({ step: 'wait forever', category: 'timeout' });
      expect(j.failure?.message).toContain('20000 ms');
      // Our deadline ended it (the message names it), not Playwright's own 30 s test timeout.
      expect(j.failure?.message).not.toContain('Test timeout');
    });
  },
);
