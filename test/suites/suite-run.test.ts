import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeWithBrowser } from '../browser/browser-gate.js';
import { runSuite, suiteWorkspace } from './suite-workspace.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const CONVERSATION = 'chat-suite: conversation › answers two messages in a row';
const SEND = 'chat-suite: sends a message and sees the reply';
const LOGOUT = 'chat-suite: logs out';
const BROKEN = 'chat-suite: tests/broken.pw.ts';

describeWithBrowser(
  'a Playwright suite run as journeys by `prober run` (packed package, real @playwright/test)',
  () => {
    let sandbox: Sandbox;
    let ws: string;
    beforeAll(async () => {
      sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
      // One spec with a syntax error next to the healthy ones.
      ws = await suiteWorkspace({
        extra: {
          'tests/broken.pw.ts':
            "import { test } from '@playwright/test';\ntest('broken', async () => { const x = ; });\n",
        },
      });
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    it('one journey per test with its steps (setup first, nested paths kept); a spec that does not load is error/prober, the rest true; a pass on retry is flaky', async () => {
      // A one-shot fault: the first chat reply never comes, so the first test's first attempt fails and its retry passes.
      sandbox.faults.set('chat.reply=silent#1');
      const { cli, result } = await runSuite(ws, sandbox, canary, [CONVERSATION, SEND, LOGOUT, BROKEN]);
      expect(cli.code, cli.stderr).toBe(2);
      const byName = new Map(result.journeys.map((j) => [j.journey, j]));
      expect([...byName.keys()]).toEqual([CONVERSATION, SEND, LOGOUT, BROKEN]);

      const conversation = byName.get(CONVERSATION)!;
      expect(conversation.status).toBe('flaky');
      expect(
        conversation.attempts?.map((a) => [a.status, a.failure?.step, a.failure?.service, a.failure?.category]),
      ).toEqual([['fail', 'conversation › first message', 'backend', 'timeout']]);
      expect(conversation.steps.map((s) => [s.name, s.service, s.status])).toEqual([
        ['web.open', 'web', 'pass'],
        ['web.login', 'auth', 'pass'],
        ['conversation', 'backend', 'pass'],
        ['conversation › first message', 'backend', 'pass'],
        ['conversation › second message', 'backend', 'pass'],
      ]);
      // The failed attempt's evidence is Playwright's own, kept (scrubbed) under the journey's attempt folder.
      const failedStep = conversation.attempts?.[0]?.steps.find((s) => s.name === 'conversation › first message');
      expect(failedStep?.artifacts?.some((p) => p.endsWith('trace.zip'))).toBe(true);
      for (const p of failedStep?.artifacts ?? []) expect(existsSync(join(ws, p)), p).toBe(true);

      const send = byName.get(SEND)!;
      expect(send.status).toBe('pass');
      expect(send.verdict).toBe('Users can complete "sends a message and sees the reply"');
      expect(send.steps.map((s) => [s.name, s.service, s.status])).toEqual([
        ['web.open', 'web', 'pass'],
        ['web.login', 'auth', 'pass'],
        ['web.chat.send', 'backend', 'pass'],
        ['web.chat.reply', 'backend', 'pass'],
      ]);
      expect(byName.get(LOGOUT)?.status).toBe('pass');

      const broken = byName.get(BROKEN)!;
      expect(broken.status).toBe('error');
      expect(broken.failure).toMatchObject({ category: 'prober' });
      expect(broken.failure?.message).toContain('SyntaxError');
      expect(result.summary).toMatchObject({ journeys: 4, passed: 2, flaky: 1, errored: 1, failed: 0 });
      // Playwright's JSON report, the durable record, kept scrubbed next to the run's artifacts.
      expect(existsSync(join(ws, 'artifacts', result.runId, 'chat-suite.playwright-report.json'))).toBe(true);
      // The storageState the setup wrote stays where the suite keeps it, never among the artifacts.
      expect(readFileSync(join(ws, '.auth', 'user.json'), 'utf8')).toContain('cookies');
    });

    it('auth.token=http500: the suite and the bundled browser journey fail at the same step, service and category; JUnit says so; the trace holds no password', async () => {
      sandbox.faults.clear();
      sandbox.faults.set('auth.token=http500');
      const junit = join(ws, 'junit.xml');
      const { cli, result } = await runSuite(ws, sandbox, canary, [
        'golden-path-browser',
        SEND,
        '--reporter',
        `junit=${junit}`,
      ]);
      sandbox.faults.clear();
      expect(cli.code).toBe(1);
      const bundled = result.journeys.find((j) => j.journey === 'golden-path-browser')?.failure;
      const suite = result.journeys.find((j) => j.journey === SEND)?.failure;
      expect(bundled).toMatchObject({ step: 'web.login', service: 'auth', category: 'http_status' });
      expect({ step: suite?.step, service: suite?.service, category: suite?.category }).toEqual({
        step: bundled?.step,
        service: bundled?.service,
        category: bundled?.category,
      });
      const failed = result.journeys.find((j) => j.journey === SEND)?.steps.find((s) => s.status === 'fail');
      expect(failed?.error?.httpStatus).toBe(500);
      expect(failed?.location).toMatch(/auth\.setup\.pw\.ts:\d+$/);
      // The setup's trace recorded the password typed into the form: kept only scrubbed (runSuite read every entry).
      expect(failed?.artifacts?.some((p) => p.endsWith('trace.zip'))).toBe(true);
      const xml = readFileSync(junit, 'utf8');
      expect(xml).toContain(SEND);
      expect(xml).toContain('http_status');
    });
  },
);
