import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { journey, step, type StepContext } from '../../src/journey/define.js';
import { RunResult, type StepResult } from '../../src/journey/result-schema.js';
import { runJourneys } from '../../src/journey/run.js';
import { Redactor } from '../../src/redact.js';
import { browserSettings } from '../../src/steps/browser-launcher.js';
import { withBrowserRun } from '../../src/steps/browser-run.js';
import { BrowserSession } from '../../src/steps/browser-session.js';
import { apiStepIo } from '../../src/steps/step-io.js';
import { describeWithBrowser } from './browser-gate.js';

/**
 * Real Playwright errors, produced by real Chromium against a local server, read by the runner's browser adapter.
 * Every step is a plain `ctx.page` step (no helpers), as a user writes one. This is the test of the text table in
 * src/steps/browser-failure.ts: if a Playwright upgrade changes its words, a row here fails.
 */

const FORM = `<!doctype html><title>form</title>
<label for="e">E-mail address</label><input id="e">
<button disabled>Send</button><button>Twin</button><button>Twin</button>
<button id="login" onclick="fetch('/api/login',{method:'POST'}).then(r=>{if(r.ok)location.assign('/chat')})">Log in</button>`;

function app(): Server {
  return createServer((req, res) => {
    if (req.url === '/500')
      return void res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal error</h1>');
    if (req.url === '/hang') return; // accepts, never answers
    if (req.url === '/reset') return void req.socket.resetAndDestroy();
    if (req.url === '/api/login')
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
    res.writeHead(200, { 'content-type': 'text/html' }).end(FORM);
  });
}

async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

type Row = [
  what: string,
  body: (ctx: StepContext, base: string, refused: string) => Promise<unknown>,
  status: StepResult['status'],
  category: string,
  message: RegExp,
  stepTimeoutMs?: number,
];

// Generous for the rows that must not time out on a loaded two-core box. Waits that are meant to fail say how long
// they wait (a failing wait costs all of it, row after row, so short: every wait here fails on the page it already has,
// or on a local answer that comes in milliseconds), except the first row, which shows Playwright's default wait ending
// before the step's deadline (with room to report it), so that row's step is short too.
const STEP_TIMEOUT_MS = 30_000;
const WAIT = { timeout: 3_000 };

const ROWS: Row[] = [
  [
    'wrong selector',
    async (ctx, base) => {
      await ctx.page.goto(base);
      await ctx.page.getByLabel('Email address', { exact: true }).fill('someone@example.com');
    },
    'fail',
    'browser',
    /^locator\.fill: getByLabel\('Email address', \{ exact: true \}\) did not appear within \d+ ms$/,
    8_000,
  ],
  [
    'disabled button',
    async (ctx, base) => {
      await ctx.page.goto(base);
      await ctx.page.getByRole('button', { name: 'Send' }).click(WAIT);
    },
    'fail',
    'browser',
    /^locator\.click: getByRole\('button', \{ name: 'Send' \}\) stayed disabled for \d+ ms$/,
  ],
  [
    'navigation refused (app stopped)',
    (ctx, _base, refused) => ctx.page.goto(refused),
    'fail',
    'network',
    /^page\.goto: connection refused \(net::ERR_CONNECTION_REFUSED\) loading http:\/\/127\.0\.0\.1:\d+\/login$/,
  ],
  [
    'connection reset',
    (ctx, base) => ctx.page.goto(`${base}/reset`),
    'fail',
    'network',
    /^page\.goto: connection (reset by peer|closed without a response) \(net::ERR_(CONNECTION_RESET|EMPTY_RESPONSE)\)/,
  ],
  [
    '500 document',
    async (ctx, base) => {
      await ctx.page.goto(`${base}/500`);
      await ctx.page.getByLabel('E-mail address').fill('someone@example.com', WAIT);
    },
    'fail',
    'http_status',
    /^the page \/500 answered HTTP 500 \(locator\.fill: getByLabel\('E-mail address'\) did not appear within \d+ ms\)$/,
  ],
  [
    'document never answers',
    // A timeout is the one verdict the stall policy reconsiders, and this runs in the test's own process: at 3 s (load
    // 10) and at 6 s (load 12-14, the 3-worker clean-clone CI of 2026-12-08) it came back error/prober instead of a
    // navigation timeout. 10 s: the prober must lose 2.5 s of it, and of its retry, to its own stalls.
    (ctx, base) => ctx.page.goto(`${base}/hang`, { timeout: 10_000 }),
    'fail',
    'timeout',
    /^page\.goto: http:\/\/127\.0\.0\.1:\d+\/hang did not load within \d+ ms$/,
  ],
  [
    'page crash',
    async (ctx, base) => {
      await ctx.page.goto(base);
      await ctx.page.goto('chrome://crash').catch(() => undefined);
      // Ends at the crash, in milliseconds: the longer wait costs nothing and leaves a slow crash report room.
      await ctx.page.getByLabel('E-mail address').fill('x', { timeout: 6_000 });
    },
    'error',
    'prober',
    /^locator\.fill: the browser page crashed; the prober could not judge the step$/,
  ],
  [
    'page closed under a wait',
    async (ctx, base) => {
      await ctx.page.goto(base);
      const waiting = ctx.page.getByText('never there').waitFor();
      await ctx.page.close();
      await waiting;
    },
    'error',
    'prober',
    /^locator\.waitFor: the browser page was closed; the prober could not judge the step$/,
  ],
  [
    'strict mode violation',
    async (ctx, base) => {
      await ctx.page.goto(base);
      await ctx.page.getByRole('button', { name: 'Twin' }).click(WAIT);
    },
    'fail',
    'browser',
    /^locator\.click: Error: strict mode violation: getByRole\('button', \{ name: 'Twin' \}\) resolved to 2 elements/,
  ],
  [
    'the page’s own API call rejected',
    async (ctx, base) => {
      await ctx.page.goto(base);
      await ctx.page.getByRole('button', { name: 'Log in' }).click();
      await ctx.page.getByRole('heading', { name: 'Chat' }).waitFor(WAIT);
    },
    'fail',
    'auth',
    /^locator\.waitFor: getByRole\('heading', \{ name: 'Chat' \}\) did not appear within \d+ ms; meanwhile the page's POST http:\/\/127\.0\.0\.1:\d+\/api\/login answered HTTP 401$/,
  ],
  [
    'waiting until the step deadline (timeout 0)',
    async (ctx, base) => {
      await ctx.page.goto(base);
      await ctx.page.getByText('a reply').waitFor({ timeout: 0 });
    },
    'fail',
    'timeout',
    // The step's 5 s, or what is left of the journey's when a millisecond went before the step started (loaded CI).
    /^timed out after (4\d{3}|5000) ms$/,
    5_000,
  ],
  [
    'a bug in the probe stays a bug',
    async (ctx, base) => {
      await ctx.page.goto(base);
      (undefined as unknown as { x: () => void }).x();
    },
    'error',
    'prober',
    /^probe error: TypeError: /,
  ],
];

describeWithBrowser(
  'real Playwright errors in real Chromium → categories, through the runner’s browser adapter',
  () => {
    let server: Server;
    let base = '';
    let refused = '';
    let artifactsDir: string;
    let result: RunResult;

    beforeAll(async () => {
      server = app();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      refused = `http://127.0.0.1:${await closedPort()}/login`;
      artifactsDir = mkdtempSync(join(tmpdir(), 'prober-pw-errors-'));
      const journeys = ROWS.map(([what, body, , , , stepTimeoutMs], i) =>
        journey({
          name: `row-${i}`,
          description: what,
          capability: 'use the page',
          needs: { browser: true },
          steps: [
            step('web.try', { service: 'web', timeoutMs: stepTimeoutMs ?? STEP_TIMEOUT_MS }, (ctx) =>
              body(ctx, base, refused).then(() => undefined),
            ),
          ],
        }),
      );
      const redactor = new Redactor();
      const runId = 'pw-errors';
      const settings = { ...browserSettings(undefined), artifactsDir };
      const api = apiStepIo({ maxBodyBytes: 1 << 20 });
      const session = new BrowserSession(settings);
      // One row at a time in one browser: a dozen pages at once (one of them crashing its renderer) on a loaded box
      // makes Chromium share and starve renderers, which is a test of the box, not of the error table.
      const runs: RunResult[] = [];
      try {
        for (const j of journeys) {
          runs.push(
            await withBrowserRun({ settings, runId, journeys: [j], redactor, api, session }, (io) =>
              runJourneys([j], {
                runId,
                environment: 'pw-errors',
                targets: { web: base },
                secrets: {},
                variables: {},
                redactor,
                io,
                userAgent: 'test',
                maxBodyBytes: 1 << 20,
              }),
            ),
          );
        }
      } finally {
        await session.close();
      }
      result = { ...runs[0]!, journeys: runs.flatMap((r) => r.journeys) };
    }, 300_000);

    afterAll(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      rmSync(artifactsDir, { recursive: true, force: true });
    });

    it.each(ROWS.map((row, i) => [row[0], i, row[2], row[3], row[4]] as const))(
      '%s',
      (_what, i, status, category, message) => {
        const s = result.journeys.find((j) => j.journey === `row-${i}`)!.steps[0]!;
        expect({ status: s.status, category: s.error?.category }).toEqual({ status, category });
        expect(s.error?.message).toMatch(message);
        expect(s.error?.message).not.toContain('\u001b');
      },
    );

    it('the whole result is schema-valid and free of terminal escapes', () => {
      expect(() => RunResult.parse(result)).not.toThrow();
      // biome-ignore lint/suspicious/noControlCharactersInRegex: a raw ESC is exactly what must not appear.
      expect(JSON.stringify(result)).not.toMatch(/\\u001b|\u001b/);
    });
  },
);
