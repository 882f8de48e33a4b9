import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { browserSettings, launchChromium } from '../../src/steps/browser-launcher.js';
import { ROOT, runCli } from '../support/cli.js';
import { describeWithBrowser } from './browser-gate.js';

const password = `canary-${randomBytes(9).toString('hex')}`;

describeWithBrowser('the HTML report as people click it', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  const parent = mkdtempSync(join(tmpdir(), 'prober-html-click-'));
  beforeAll(async () => {
    sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }], faults: ['web.page=http500'] });
    browser = await launchChromium(browserSettings(undefined));
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it('screenshot opens full size on click; the trace link is relative and still resolves after the folder is moved; the source line is shown', async () => {
    const cwd = join(parent, 'ci-job');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(cwd);
    const targets = ['auth', 'backend', 'web'].flatMap((t) => ['--target', `${t}=${sandbox.urls[t as 'auth']}`]);
    const cli = await runCli(
      [
        'run',
        'golden-path-browser',
        '--config',
        join(ROOT, 'test/fixtures/browser-sandbox.ts'),
        ...targets,
        '--reporter',
        'html=reports/report.html',
      ],
      { cwd, env: { SANDBOX_PASSWORD: password } },
    );
    expect(cli.code).toBe(1);
    // As an uploaded CI artifact is: the whole folder somewhere else.
    const moved = join(parent, 'downloaded');
    renameSync(cwd, moved);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      await page.goto(pathToFileURL(join(moved, 'reports', 'report.html')).href);
      const row = page.locator('tr[data-step="web.open"]');
      await row
        .getByText(/golden-path-browser\.ts:\d+/)
        .first()
        .waitFor({ timeout: 5_000 });

      const shot = row.locator('img.shot').first();
      const small = await shot.boundingBox();
      const natural = await shot.evaluate((img: HTMLImageElement) => img.naturalWidth);
      expect(small!.width).toBeLessThan(natural);
      await shot.click();
      expect(await row.locator('details.zoom').first().getAttribute('open')).toBe('');
      // Full size: the image's own pixel width (plus its 1 px border on each side).
      expect((await shot.boundingBox())!.width).toBe(natural + 2);
      await shot.click();
      expect(await row.locator('details.zoom').first().getAttribute('open')).toBeNull();

      const trace = row.locator('a.trace');
      const href = await trace.getAttribute('href');
      expect(href).toMatch(/^\.\.\/artifacts\/[^/]+\/golden-path-browser\/trace\.zip$/);
      await row.getByText(`npx playwright-core show-trace ${href}`).waitFor({ timeout: 5_000 });
      const resolved = await trace.evaluate((a: HTMLAnchorElement) => a.href);
      expect(existsSync(fileURLToPath(resolved))).toBe(true);
    } finally {
      await page.close();
    }
  });
});
