import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';
import { describeWithBrowser } from './browser-gate.js';
import { ChromiumProcesses } from './chromium-processes.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ESC = '\u001b';
const canary = `canary-${randomBytes(9).toString('hex')}`;
const config = join(ROOT, 'test/fixtures/browser-sandbox.ts');
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'flakyFailure'].includes(name),
});

describeWithBrowser(
  'prober run --retries on the browser journey: a fresh page per attempt, every attempt reported',
  () => {
    let sandbox: Sandbox;
    let work: string;
    beforeAll(async () => {
      sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
      work = mkdtempSync(join(tmpdir(), 'prober-browser-retries-'));
    });
    afterAll(async () => {
      await sandbox?.close();
      rmSync(work, { recursive: true, force: true });
    });

    async function retried(name: string, extra: string[]) {
      const cwd = join(work, name);
      mkdirSync(cwd, { recursive: true });
      const procs = new ChromiumProcesses(randomUUID(), mkdtempSync(join(tmpdir(), 'prober-browser-tmp-')));
      // The first request for the login document answers 500, the retry's is served normally.
      sandbox.faults.set('web.page=http500#1');
      const targets = ['auth', 'backend', 'web'].flatMap((t) => ['--target', `${t}=${sandbox.urls[t as 'auth']}`]);
      const files = { json: join(cwd, 'out.json'), junit: join(cwd, 'junit.xml'), html: join(cwd, 'report.html') };
      const cli = await runCli(
        [
          'run',
          'golden-path-browser',
          '--config',
          config,
          ...targets,
          '--retries',
          '1',
          ...extra,
          '--reporter',
          'console',
          '--reporter',
          `json=${files.json}`,
          '--reporter',
          `junit=${files.junit}`,
          '--reporter',
          `html=${files.html}`,
        ],
        { cwd, env: { SANDBOX_PASSWORD: canary, ...procs.env } },
      );
      const text = {
        stdout: cli.stdout,
        stderr: cli.stderr,
        json: readFileSync(files.json, 'utf8'),
        junit: readFileSync(files.junit, 'utf8'),
        html: readFileSync(files.html, 'utf8'),
      };
      for (const [where, t] of Object.entries(text)) {
        expectNoSecrets(where, t, canary);
        expect(t.includes(ESC), `${where} holds an ANSI escape`).toBe(false);
      }
      expect(await procs.settle(0)).toBe(0);
      return { cli, text, result: RunResult.parse(JSON.parse(text.json)), cwd };
    }

    it('web.page=http500#1 with --retries 1: flaky, exit 1; both attempts with screenshots in JSON, JUnit and HTML', async () => {
      const { cli, text, result, cwd } = await retried('flaky', []);
      expect(cli.code).toBe(1);
      expect(result.status).toBe('flaky');
      const j = result.journeys[0]!;
      expect(j.status).toBe('flaky');
      expect(j.verdict).toMatch(/only on attempt 2 of 2: attempt 1 failed at web step web\.open \(http_status\)/);

      // Attempt 1: failed at the document with its screenshot and trace; the rest skipped (no page closed under it).
      expect(j.attempts).toHaveLength(1);
      const first = j.attempts![0]!;
      expect(first.failure).toMatchObject({ step: 'web.open', category: 'http_status' });
      const failedOpen = first.steps.find((s) => s.name === 'web.open')!;
      expect(failedOpen.error?.httpStatus).toBe(500);
      const firstShot = failedOpen.artifacts?.find((a) => a.endsWith('.png'));
      expect(firstShot).toBe(join(cwd, 'artifacts', result.runId, 'golden-path-browser', 'web.open.png'));
      expect(failedOpen.artifacts?.some((a) => a.endsWith('trace.zip'))).toBe(true);

      // Attempt 2: every step passed in a fresh context, each with its own screenshot in its own folder.
      expect(j.steps.map((s) => s.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
      const retryShots = j.steps.flatMap((s) => s.artifacts ?? []);
      expect(retryShots.length).toBeGreaterThanOrEqual(4);
      for (const shot of [firstShot!, ...retryShots])
        expect(readFileSync(shot).subarray(0, 8).equals(PNG), shot).toBe(true);
      expect(new Set(retryShots.map((s) => dirname(s)))).toEqual(
        new Set([join(cwd, 'artifacts', result.runId, 'golden-path-browser', 'attempt-2')]),
      );

      // JUnit: the passing testcase carries attempt 1's failure as <flakyFailure>, with its screenshot attached.
      expect(XMLValidator.validate(text.junit)).toBe(true);
      const doc = parser.parse(text.junit) as {
        testsuites: {
          testsuite: {
            testcase: {
              name: string;
              flakyFailure?: { type: string; message: string; 'system-out'?: string }[];
              failure?: unknown;
            }[];
          }[];
        };
      };
      const open = doc.testsuites.testsuite[0]!.testcase.find((t) => t.name === 'web.open')!;
      expect(open.failure).toBeUndefined();
      expect(open.flakyFailure?.[0]).toMatchObject({
        type: 'http_status',
        message: expect.stringContaining('HTTP 500'),
      });
      expect(open.flakyFailure?.[0]?.['system-out']).toContain(`[[ATTACHMENT|${firstShot}]]`);

      // HTML: attempt 1 in its own section with its screenshot embedded, then attempt 2's steps with theirs.
      expect(text.html).toContain('data-attempt="1"');
      const [earlier, latest] = text.html.split('<p><strong>Attempt 2 of 2</strong>');
      expect(earlier).toMatch(
        /<tr data-step="web\.open" data-status="fail">[\s\S]*<img class="shot"[^>]*src="data:image\/png;base64,/,
      );
      expect(latest).toMatch(/<img class="shot"[^>]*src="data:image\/png;base64,/);
      expect(existsSync(join(cwd, 'artifacts', result.runId, 'golden-path-browser', 'attempt-2'))).toBe(true);
    });

    it('--allow-flaky exits 0; --retry-delay waits between the attempts', async () => {
      const { cli, result } = await retried('allowed', ['--allow-flaky', '--retry-delay', '1s']);
      expect(cli.code).toBe(0);
      expect(result.status).toBe('flaky');
      const j = result.journeys[0]!;
      const firstEnded = Date.parse(j.attempts![0]!.startedAt) + j.attempts![0]!.durationMs;
      expect(Date.parse(j.steps[0]!.startedAt) - firstEnded).toBeGreaterThanOrEqual(1_000);
    });
  },
);
