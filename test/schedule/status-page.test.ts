import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { ROOT, runCli } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';
import { startDaemonProcess, targetArgs } from './daemon-process.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'prober-status-'));
const artifacts = join(ROOT, 'test-results');
const store = join(dir, 'state.db');
const STEPS = ['auth.token', 'session.create', 'chat.connect', 'chat.send', 'chat.reply', 'session.close'];
let sandbox: Sandbox;
let browser: Browser;

/** History made the way a CronJob makes it: real `prober run --store` invocations, one of them against a fault. */
async function recordRun(fault?: string): Promise<void> {
  if (fault !== undefined) sandbox.faults.set(fault);
  const r = await runCli(
    ['run', '--config', join(ROOT, 'test/fixtures/schedule-history.ts'), ...targetArgs(sandbox), '--store', store],
    {
      env: { SANDBOX_PASSWORD: canary },
    },
  );
  sandbox.faults.clear();
  expect(r.code, r.stderr).toBe(fault === undefined ? 0 : 1);
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
  for (const fault of [undefined, undefined, 'chat.reply=empty', undefined]) await recordRun(fault);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a reader sees for one journey, read from the rendered DOM (works with JavaScript off: no script runs). */
async function journeyView(page: Page, journey: string) {
  const section = page.locator(`section.journey[data-journey="${journey}"]`);
  return {
    status: await section.getAttribute('data-status'),
    badge: (await section.locator('.badge').textContent())?.trim(),
    verdict: (await section.locator('.verdict').textContent())?.trim(),
    series: await section
      .locator('svg.latency-chart polyline.series')
      .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-step')))]),
    legend: await section.locator('.legend li').allTextContents(),
    bars: await section
      .locator('svg.run-strip rect.run')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))),
    uptime24h: (await section.locator('dd[data-window="24h"]').textContent())?.trim(),
    failures: await section.locator('table.failures tbody tr').allTextContents(),
  };
}

describe('status page', () => {
  it('prober report --html writes a static page that reads without JavaScript', async () => {
    const out = join(artifacts, 'status-page-static.html');
    const r = await runCli(['report', '--html', out, '--store', store]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expectNoSecrets('status page', html, canary);
    // Self-contained: no script, no external resource (the favicon is an inline data: URL, not a fetch).
    expect(html).not.toMatch(/<script|<link(?![^>]*href="data:)|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    expect(html).toMatch(/<link rel="icon" href="data:image\/svg\+xml,/);

    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(out).href);
      const view = await journeyView(page, 'golden-path-api');
      // A healthy run on a busy machine may be `degraded` (over the fixture's tight budgets): both mean users can chat.
      // Whatever the latest run said (a loaded machine can time the 1 s journey out): a status and its label.
      expect(['pass', 'degraded', 'fail', 'error']).toContain(view.status);
      expect(view.badge).toBe(
        { pass: 'Operational', degraded: 'Degraded', fail: 'Failing', error: 'Unknown (prober error)' }[view.status!],
      );
      expect(view.verdict).toMatch(/^Users can log in and chat/);
      expect(view.series).toEqual(STEPS);
      expect(view.legend[0]).toMatch(/^auth\.token auth p50 [\d.]+ m?s · p95 [\d.]+ m?s$/);
      expect(view.bars.map((b) => (b === 'degraded' ? 'pass' : b))).toEqual(['pass', 'pass', 'fail', 'pass']);
      expect(view.uptime24h).toBe('75.00 %');
      expect(view.failures).toHaveLength(1);
      expect(view.failures[0]).toMatch(/chat\.replybackendassertionthe assistant sent an empty reply/);
      await page.screenshot({ path: join(artifacts, 'status-page-static.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('the daemon serves it live: each journey with its status and one chart series per step, refreshing itself', async () => {
    const daemon = await startDaemonProcess(
      ['--config', join(ROOT, 'test/fixtures/schedule-every-second.ts'), ...targetArgs(sandbox), '--store', store],
      {
        SANDBOX_PASSWORD: canary,
      },
    );
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      const res = await page.goto(`${daemon.url}/`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
      expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('5');
      const view = await journeyView(page, 'golden-path-api');
      // Whatever the latest run said (a loaded machine can time the 1 s journey out): a status and its label.
      expect(['pass', 'degraded', 'fail', 'error']).toContain(view.status);
      expect(view.badge).toBe(
        { pass: 'Operational', degraded: 'Degraded', fail: 'Failing', error: 'Unknown (prober error)' }[view.status!],
      );
      expect(view.series).toEqual(STEPS);
      expect(view.bars.length).toBeGreaterThanOrEqual(4);
      expect(await page.locator('h1').textContent()).toBe('sandbox-schedule');
      expect(requests).toEqual([`${daemon.url}/`]); // nothing else is loaded: no CDN, no script, no font
      await page.screenshot({ path: join(artifacts, 'status-page.png'), fullPage: true });
    } finally {
      await context.close();
      expect((await daemon.stop('SIGTERM')).code).toBe(0);
    }
    const reopened = new SqliteRunStore(store);
    expect((await reopened.listRuns({ limit: 1_000 })).length).toBeGreaterThanOrEqual(4);
    await reopened.close();
  }, 120_000);
});
