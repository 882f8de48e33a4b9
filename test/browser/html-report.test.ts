import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { browserSettings, launchChromium } from '../../src/steps/browser-launcher.js';
import { ROOT, runCli } from '../support/cli.js';
import { describeWithBrowser } from './browser-gate.js';

const password = `canary-${randomBytes(9).toString('hex')}`;

describeWithBrowser('the HTML report of a failed browser run', () => {
  let sandbox: Sandbox;
  let cwd: string;
  let browser: Browser;
  beforeAll(async () => {
    sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }], faults: ['web.page=http500'] });
    cwd = mkdtempSync(join(tmpdir(), 'prober-html-'));
    browser = await launchChromium(browserSettings(undefined));
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('shows the failing step and its embedded screenshot when opened in Chromium', async () => {
    const targets = ['auth', 'backend', 'web'].flatMap((t) => ['--target', `${t}=${sandbox.urls[t as 'auth']}`]);
    const cli = await runCli(
      [
        'run',
        'golden-path-browser',
        '--config',
        join(ROOT, 'test/fixtures/browser-sandbox.ts'),
        ...targets,
        '--reporter',
        'json',
        '--reporter',
        'html=report.html',
      ],
      { cwd, env: { SANDBOX_PASSWORD: password } },
    );
    expect(cli.code).toBe(1);
    const failed = RunResult.parse(JSON.parse(cli.stdout)).journeys[0]!.steps.find((s) => s.status === 'fail')!;
    expect(failed.name).toBe('web.open');
    expect(failed.artifacts?.some((a) => a.endsWith('.png'))).toBe(true);
    const html = readFileSync(join(cwd, 'report.html'), 'utf8');
    expect(html.includes(password)).toBe(false);

    const page = await browser.newPage();
    try {
      await page.goto(pathToFileURL(join(cwd, 'report.html')).href);
      const row = page.locator('tr[data-step="web.open"][data-status="fail"]');
      await expect.poll(() => row.isVisible()).toBe(true);
      expect(await row.textContent()).toContain('http_status');
      const shot = row.locator('img.shot');
      expect(await shot.count()).toBe(1);
      // The screenshot is embedded (data: URI) and decodes to a real image.
      expect(
        await shot.evaluate(
          (img: HTMLImageElement) =>
            img.complete && img.naturalWidth > 100 && img.src.startsWith('data:image/png;base64,'),
        ),
      ).toBe(true);
      await page.screenshot({ path: join(ROOT, 'test-results', 'html-report-failed-browser-run.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
