import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeWithBrowser } from '../browser/browser-gate.js';
import { runSuite, suiteWorkspace } from './suite-workspace.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const SEND = 'chat-suite: sends a message and sees the reply';

describeWithBrowser(
  'a Playwright suite under sandbox faults and at its deadline (packed package, real @playwright/test)',
  () => {
    let sandbox: Sandbox;
    let ws: string;
    beforeAll(async () => {
      sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
      ws = await suiteWorkspace();
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    // The rest of the bundled browser journey's fault matrix (auth.token=http500 is in suite-run.test.ts): the suite's
    // journey and the bundled one, in the same run, must name the same step, service and category.
    it.each([
      ['chat.reply=silent', 'web.chat.reply', 'backend', 'timeout'],
      ['web.page=http500', 'web.open', 'web', 'http_status'],
    ])('%s → %s (%s, %s) for the suite as for the bundled journey', async (fault, step, service, category) => {
      sandbox.faults.clear();
      sandbox.faults.set(fault);
      const { cli, result } = await runSuite(ws, sandbox, canary, ['golden-path-browser', SEND]);
      sandbox.faults.clear();
      expect(cli.code).toBe(1);
      const bundled = result.journeys.find((j) => j.journey === 'golden-path-browser')?.failure;
      const suite = result.journeys.find((j) => j.journey === SEND)?.failure;
      expect(bundled).toMatchObject({ step, service, category });
      expect(suite).toMatchObject({ step, service, category });
    });

    it('a test that hangs ends at the journey deadline as timeout, with no Chromium left', async () => {
      sandbox.faults.clear();
      const hang = await suiteWorkspace({ suite: "grep: '@hang',\n      timeoutMs: 12_000," });
      const started = Date.now();
      // runSuite also waits for the run's Chromium processes to be gone (ChromiumProcesses.settle(0)).
      const { cli, result } = await runSuite(hang, sandbox, canary, ['chat-suite: hangs @hang']);
      expect(cli.code).toBe(1);
      const j = result.journeys[0]!;
      expect(j.failure).toMatchObject({ step: 'wait forever', category: 'timeout' });
      expect(j.failure?.message).toContain('12000 ms');
      // The deadline, not Playwright's own 30 s test timeout, ended it (generous bound: listing and start-up included).
      expect(Date.now() - started).toBeLessThan(29_000);
    });
  },
);
