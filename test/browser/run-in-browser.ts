import { randomUUID } from 'node:crypto';
import type { JourneyDefinition } from '../../src/journey/define.js';
import type { RunResult } from '../../src/journey/result-schema.js';
import { runJourneys } from '../../src/journey/run.js';
import { Redactor } from '../../src/redact.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { browserSettings, type BrowserSettings } from '../../src/steps/browser-launcher.js';
import { withBrowserRun } from '../../src/steps/browser-run.js';
import type { BrowserSession } from '../../src/steps/browser-session.js';
import { apiStepIo } from '../../src/steps/step-io.js';
import browserJourney from '../../probes/golden-path-browser.js';

export { browserJourney };
export const EMAIL = 'probe@sandbox.test';

/** The deadlines of test/fixtures/browser-sandbox.ts: generous for a loaded CI box, short only for the reply. */
export const FAST_STEPS = {
  'web.open': { timeoutMs: 20_000, budgetMs: 15_000 },
  'web.login': { timeoutMs: 20_000, budgetMs: 15_000 },
  'web.chat.send': { timeoutMs: 15_000, budgetMs: 10_000 },
  'web.chat.reply': { timeoutMs: 5_000, budgetMs: 4_500 },
  'web.logout': { timeoutMs: 15_000 },
} as const;

export interface InBrowserOptions {
  sandbox: Sandbox;
  password: string;
  artifactsDir: string;
  /** Shared across runs (one browser per process); without it each run launches and closes its own. */
  session?: BrowserSession;
  journey?: JourneyDefinition;
  settings?: Partial<BrowserSettings>;
  /** Step deadlines over FAST_STEPS, for a run whose failing step would otherwise wait out a long one. */
  steps?: Record<string, { timeoutMs: number; budgetMs?: number }>;
  signal?: AbortSignal;
}

/** Runs the browser journey in this process with the real step io, as `prober run` does, minus the CLI. */
export async function runInBrowser(options: InBrowserOptions): Promise<RunResult> {
  const redactor = new Redactor();
  redactor.add(options.password);
  const runId = randomUUID();
  const journey = options.journey ?? browserJourney;
  const settings = { ...browserSettings(undefined), artifactsDir: options.artifactsDir, ...options.settings };
  const api = apiStepIo({ maxBodyBytes: 1 << 20 });
  const { urls } = options.sandbox;
  return withBrowserRun(
    {
      settings,
      runId,
      journeys: [journey],
      redactor,
      api,
      ...(options.session === undefined ? {} : { session: options.session }),
    },
    (io) =>
      runJourneys([journey], {
        runId,
        environment: 'browser-test',
        targets: { auth: urls.auth, backend: urls.backend, web: urls.web },
        secrets: { password: options.password },
        variables: { email: EMAIL },
        redactor,
        io,
        userAgent: 'test',
        maxBodyBytes: 1 << 20,
        overrides: { [journey.name]: { timeoutMs: 60_000, steps: { ...FAST_STEPS, ...options.steps } } },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
  );
}
