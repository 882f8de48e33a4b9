import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { describeWithBrowser } from '../browser/browser-gate.js';
import { packedProject } from '../support/packed-project.js';
import { expectNoSecrets } from '../support/secrets.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** The page, its image and its fetch: the page's own requests, each recorded with its headers by `who`. */
const PAGE = (who: string) =>
  `<!doctype html><title>Shop</title><h1>Shop</h1><img src="/img?who=${who}"><script>fetch('/api?who=${who}').then((r) => r.text()).then((t) => { document.body.dataset.api = t; });</script>`;

const SPEC = `import { expect, test } from '@playwright/test';

test('opens the shop', async ({ page }, info) => {
  await test.step('shop.open', async () => {
    await page.goto('/page?who=' + info.project.name);
    await expect(page.locator('body[data-api="ok"]')).toBeAttached();
    await page.waitForLoadState('load');
  });
});
`;

const FIXTURE_SPEC = `import { expect, test } from 'golden-path-prober/playwright';

test('pays with the fixture', async ({ page, prober }) => {
  await prober.step('shop.pay', { service: 'payments' }, async () => {
    await page.goto(prober.target('web') + '/page?who=fixture&card=' + prober.secret('card'));
    await expect(page.locator('body[data-api="ok"]')).toBeAttached();
    if (prober.variable('basket') === 'empty') prober.fail('contract', 'the basket is empty');
  });
});
`;

/**
 * The synthetic-traffic tag and a `traceparent` on the requests of a suite's pages, with and without the optional
 * fixture (`golden-path-prober/playwright`), recorded by a server the pages load from. Packed package, real
 * @playwright/test, Debian's Chromium.
 */
describeWithBrowser(
  'the synthetic-traffic headers on a Playwright suite’s requests (packed package, real @playwright/test)',
  () => {
    let server: Server;
    let site: string;
    const seen: { path: string; who: string; card: string | null; headers: IncomingHttpHeaders }[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const who = url.searchParams.get('who') ?? '';
        seen.push({ path: url.pathname, who, card: url.searchParams.get('card'), headers: req.headers });
        if (url.pathname === '/page') res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE(who));
        else if (url.pathname === '/api') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        else res.writeHead(204).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('without the fixture: every request of the page carries x-synthetic-probe and one traceparent of the run, the user’s headers and browser User-Agent stay; with it: the same, plus services, secrets and prober.fail', async () => {
      const ws = await packedProject().workspace({
        'package.json': JSON.stringify({ name: 'headers', private: true, type: 'module' }),
        'playwright.config.ts': `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: 'tests',
  workers: 1,
  use: {
    baseURL: process.env.SITE_URL,
    extraHTTPHeaders: { 'x-team': 'qa' },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] },
  },
  projects: [
    { name: 'plain', testMatch: /shop\\.spec\\.ts$/ },
    {
      name: 'own',
      testMatch: /shop\\.spec\\.ts$/,
      use: { extraHTTPHeaders: { 'x-project': 'p2', 'X-Synthetic-Probe': 'theirs' }, userAgent: 'TeamBot/1.0' },
    },
    { name: 'fixture', testMatch: /fixture\\.spec\\.ts$/ },
  ],
});
`,
        'tests/shop.spec.ts': SPEC,
        'tests/fixture.spec.ts': FIXTURE_SPEC,
        'prober.config.json': JSON.stringify({
          environment: 'headers',
          targets: { web: site, payments: site },
          secrets: { card: '${env:CARD}' },
          variables: { basket: 'empty' },
          suites: [
            {
              config: 'playwright.config.ts',
              name: 'h',
              env: { SITE_URL: { target: 'web' }, card: { secret: 'card' } },
            },
          ],
          janitor: { enabled: false },
        }),
      });
      const file = join(ws, 'result.json');
      const cli = await packedProject().prober(
        ['run', '--config', 'prober.config.json', '--reporter', `json=${file}`],
        {
          cwd: ws,
          env: { CARD: canary },
          timeoutMs: 90_000,
        },
      );
      expect(existsSync(file), cli.stderr).toBe(true);
      const json = readFileSync(file, 'utf8');
      const result = RunResult.parse(JSON.parse(json));
      expect(cli.code, cli.stderr).toBe(1);
      const of = (who: string) => seen.filter((r) => r.who === who);

      for (const who of ['plain', 'own', 'fixture']) {
        expect(
          of(who)
            .map((r) => r.path)
            .sort(),
          who,
        ).toEqual(['/api', '/img', '/page']);
        for (const r of of(who)) {
          expect(r.headers['x-synthetic-probe'], `${who} ${r.path}`).toBe(result.runId);
          expect(r.headers.traceparent, `${who} ${r.path}`).toMatch(TRACEPARENT);
        }
      }
      // One trace for the run: the trace id the failed step's evidence names is the one on every request.
      const traceIds = new Set(seen.map((r) => TRACEPARENT.exec(String(r.headers.traceparent))?.[1]));
      const failed = result.journeys.find((j) => j.journey === 'h: pays with the fixture [fixture]');
      const evidence = failed?.steps.find((s) => s.status === 'fail')?.evidence;
      expect([...traceIds]).toEqual([evidence?.traceId]);
      // The user's headers stay (a project's own replace the top level's, as Playwright merges them); ours win.
      for (const r of of('plain')) expect(r.headers['x-team']).toBe('qa');
      for (const r of of('own')) expect(r.headers['x-project']).toBe('p2');
      // The browser's User-Agent is not replaced; an explicit one gets the prober's token.
      for (const r of [...of('plain'), ...of('fixture')]) expect(r.headers['user-agent']).toMatch(/Chrome\//);
      for (const r of of('own')) expect(r.headers['user-agent']).toMatch(/^TeamBot\/1\.0 golden-path-prober\//);

      // The fixture: its step's service, its secret (redacted everywhere), its business failure's category.
      expect(result.journeys.map((j) => [j.journey, j.status]).sort()).toEqual([
        ['h: opens the shop [own]', 'pass'],
        ['h: opens the shop [plain]', 'pass'],
        ['h: pays with the fixture [fixture]', 'fail'],
      ]);
      expect(failed?.failure).toMatchObject({ step: 'shop.pay', service: 'payments', category: 'contract' });
      expect(failed?.failure?.message).toContain('the basket is empty');
      expect(of('fixture').find((r) => r.path === '/page')?.card, 'prober.secret gave the config secret').toBe(canary);
      expectNoSecrets('stdout', cli.stdout, canary);
      expectNoSecrets('stderr', cli.stderr, canary);
      expectNoSecrets('JSON', json, canary);
      // The run's config is gone from the user's folder.
      expect(readdirSync(ws).filter((n) => n.startsWith('.prober-'))).toEqual([]);
    }, 120_000);
  },
);
