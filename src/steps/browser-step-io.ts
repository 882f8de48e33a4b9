import { createRequire } from 'node:module';
import type { BrowserContext, Page, errors as PlaywrightErrors } from 'playwright-core';
import { isStepFailure, StepFailure } from '../journey/errors.js';
import type { JourneyResources, StepIo, StepScope } from '../journey/step-ports.js';
import type { Redactor } from '../redact.js';
import { JourneyArtifacts } from './browser-artifacts.js';
import { classifyBrowserError, oneLineOf, type IsTimeout } from './browser-failure.js';
import type { BrowserSettings } from './browser-launcher.js';
import { followDeadline, PageWatch, playwrightMargin } from './browser-page-watch.js';
import type { BrowserSession } from './browser-session.js';
import { withDeadline } from '../journey/with-deadline.js';

/** What a browser journey's steps see: the page, evidence for a failed step, and the reading of Playwright's errors. */
export type BrowserStepIo = Pick<StepIo, 'page' | 'collectArtifacts' | 'explainFailure'>;

export interface OpenPagesOptions {
  session: BrowserSession;
  runId: string;
  /** Names of the journeys in this run that drive a browser. */
  journeys: readonly string[];
  redactor: Redactor;
  /** Where artifacts go and whether traces are kept. */
  settings: Pick<BrowserSettings, 'artifactsDir' | 'trace'>;
  /** Bound on launching the browser, and on opening one context and page. */
  timeoutMs?: number;
}

/**
 * Launches the browser (if the session has none) *before* the run, so browser start-up is not counted in the first
 * step's latency, and a launch failure becomes a `prober` error on the first use of `ctx.page` instead of a crash.
 */
export async function openBrowserPages(options: OpenPagesOptions): Promise<BrowserPages> {
  const pending = options.session.browser();
  try {
    await withTimeout(pending, options.timeoutMs ?? 60_000, 'the browser did not start');
    return new BrowserPages(options, undefined);
  } catch (err) {
    return new BrowserPages(options, asProberFailure(err, 'could not start the browser'));
  }
}

interface Opened {
  context: BrowserContext;
  page: Page;
  artifacts: JourneyArtifacts;
  watch: PageWatch;
}

export class BrowserPages {
  private readonly attempts = new Map<string, number>();
  private readonly open = new Set<Opened>();

  constructor(
    private readonly options: OpenPagesOptions,
    private readonly launchFailure: StepFailure | undefined,
  ) {}

  /**
   * Opens a fresh context and page for one run of one journey (every attempt of a retried journey gets its own, so
   * a retry never finds the last attempt's page closed) and returns its per-step io; undefined when the journey
   * drives no browser. The context is closed through `resources.onClose` when the journey ends, whatever happened.
   */
  async attach(
    resources: JourneyResources,
    run: { journey: string },
  ): Promise<((scope: StepScope) => BrowserStepIo) | undefined> {
    if (!this.options.journeys.includes(run.journey)) return undefined;
    const attempt = (this.attempts.get(run.journey) ?? 0) + 1;
    this.attempts.set(run.journey, attempt);
    const opened = this.launchFailure === undefined ? await this.openOne(run.journey, attempt) : this.launchFailure;
    if (opened instanceof StepFailure) {
      const failure = opened;
      return () => ({
        get page(): never {
          throw new StepFailure('prober', failure.message, { cause: failure });
        },
      });
    }
    this.open.add(opened);
    resources.onClose(() => this.close(opened));
    let deadline = Number.POSITIVE_INFINITY;
    let margin = 0;
    const timeouts = followDeadline(opened.page, () => deadline - margin);
    const isTimeout = timeoutErrorCheck();
    return (scope) => {
      deadline = scope.deadline;
      margin = playwrightMargin(scope.deadline - Date.now());
      timeouts.atStepStart();
      opened.watch.beginStep();
      let used = false;
      return {
        get page() {
          used = true;
          return opened.page;
        },
        // A retry's steps are screenshotted even when they pass: a flaky verdict shows what each attempt saw.
        collectArtifacts: async (step, { failed }) => {
          if (failed) return opened.artifacts.forFailedStep(step, opened.page).catch(() => []);
          return attempt > 1 && used ? opened.artifacts.forPassedStep(step, opened.page).catch(() => []) : [];
        },
        explainFailure: async (err) => (used ? classifyBrowserError(err, opened.watch.facts(), isTimeout) : err),
      };
    };
  }

  /** Closes contexts still open (a run cancelled mid-journey). Idempotent. */
  async release(): Promise<void> {
    await Promise.allSettled([...this.open].map(async (o) => this.close(o)));
  }

  private async openOne(journey: string, attempt: number): Promise<Opened | StepFailure> {
    const { options } = this;
    const pending = options.session.newContext({ runId: options.runId });
    try {
      const context = await withTimeout(pending, options.timeoutMs ?? 60_000, 'the browser did not open a page');
      const artifacts = new JourneyArtifacts(
        { dir: options.settings.artifactsDir, trace: options.settings.trace, redactor: options.redactor },
        { runId: options.runId, journey, attempt },
      );
      await artifacts.startTrace(context);
      const page = await context.newPage();
      return { context, page, artifacts, watch: new PageWatch(page) };
    } catch (err) {
      // A context that arrives after we gave up must still be closed, or its renderer outlives the run.
      void pending.then(
        (late) => late.close().catch(() => undefined),
        () => undefined,
      );
      return asProberFailure(err, 'could not open a browser page');
    }
  }

  private async close(o: Opened): Promise<void> {
    if (!this.open.delete(o)) return;
    await o.artifacts.discardTrace(o.context);
    await o.context.close().catch(() => undefined);
    await o.artifacts.settle();
  }
}

function asProberFailure(err: unknown, what: string): StepFailure {
  return isStepFailure(err) ? err : new StepFailure('prober', `${what}: ${oneLineOf(err)}`, { cause: err });
}

/** By class where Playwright exports it (`errors.TimeoutError`); Playwright is loaded by now (a page is open). */
function timeoutErrorCheck(): IsTimeout {
  try {
    const { errors } = createRequire(import.meta.url)('playwright-core') as { errors: typeof PlaywrightErrors };
    return (err) => err instanceof errors.TimeoutError;
  } catch {
    return (err) => err.name === 'TimeoutError';
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return withDeadline(work, ms, (): never => {
    throw new StepFailure('prober', `${what} within ${ms} ms`);
  });
}
