import type { BrowserContext, Page } from 'playwright-core';
import { isStepFailure, StepFailure } from '../journey/errors.js';
import type { StepIo } from '../journey/runner.js';
import type { Redactor } from '../redact.js';
import { JourneyArtifacts } from './browser-artifacts.js';
import { oneLineOf } from './browser-failure.js';
import type { BrowserSettings } from './browser-launcher.js';
import type { BrowserSession } from './browser-session.js';
import { remainingMs, type JourneyResources, type StepScope } from './scope.js';

type Opened =
  | { kind: 'ready'; context: BrowserContext; page: Page; artifacts: JourneyArtifacts; attached: boolean }
  | { kind: 'failed'; failure: StepFailure };

/** What a browser journey's steps see: the page, and evidence collection for a failed step. */
export type BrowserStepIo = Pick<StepIo, 'page' | 'collectArtifacts'>;

export interface OpenPagesOptions {
  session: BrowserSession;
  runId: string;
  /** Names of the journeys in this run that drive a browser. */
  journeys: readonly string[];
  redactor: Redactor;
  /** Where artifacts go and whether traces are kept. */
  settings: Pick<BrowserSettings, 'artifactsDir' | 'trace'>;
  /** Bound on opening one context and page (the browser launch included). */
  timeoutMs?: number;
}

/**
 * A context and page per browser journey of one run, opened *before* the run starts, because `ctx.page` is a plain
 * synchronous property. Launching here also keeps browser start-up out of the first step's latency, and a launch
 * failure becomes a `prober` error on the first use of the page instead of a crash.
 */
export async function openBrowserPages(options: OpenPagesOptions): Promise<BrowserPages> {
  const entries = await Promise.all(options.journeys.map(async (journey) => [journey, await openOne(options, journey)] as const));
  return new BrowserPages(new Map(entries));
}

async function openOne(options: OpenPagesOptions, journey: string): Promise<Opened> {
  let context: BrowserContext | undefined;
  const pending = options.session.newContext({ runId: options.runId });
  try {
    context = await withTimeout(pending, options.timeoutMs ?? 60_000);
    const artifacts = new JourneyArtifacts(
      { dir: options.settings.artifactsDir, trace: options.settings.trace, redactor: options.redactor },
      { runId: options.runId, journey },
    );
    await artifacts.startTrace(context);
    const page = await context.newPage();
    return { kind: 'ready', context, page, artifacts, attached: false };
  } catch (err) {
    // A context that arrives after we gave up must still be closed, or its renderer outlives the run.
    void pending.then((late) => late.close().catch(() => undefined), () => undefined);
    const failure = isStepFailure(err) ? err : new StepFailure('prober', `could not open a browser page: ${oneLineOf(err)}`, { cause: err });
    return { kind: 'failed', failure };
  }
}

export class BrowserPages {
  constructor(private readonly opened: Map<string, Opened>) {}

  /**
   * The per-step browser io of one journey run, or undefined when the journey has no page. The context is closed
   * through `resources.onClose` when the journey ends, whatever happened.
   */
  attach(resources: JourneyResources, run: { journey: string }): ((scope: StepScope) => BrowserStepIo) | undefined {
    const entry = this.opened.get(run.journey);
    if (entry === undefined) return undefined;
    if (entry.kind === 'failed') {
      return () => ({
        get page(): never {
          throw new StepFailure('prober', entry.failure.message, { cause: entry.failure });
        },
      });
    }
    entry.attached = true;
    resources.onClose(() => closeJourney(entry));
    return (scope) => {
      // Every Playwright wait in this step defaults to what is left of the step's deadline, never Playwright's 30 s.
      entry.page.setDefaultTimeout(remainingMs(scope));
      entry.page.setDefaultNavigationTimeout(remainingMs(scope));
      return {
        page: entry.page,
        collectArtifacts: (step) => entry.artifacts.forFailedStep(step, entry.page).catch(() => []),
      };
    };
  }

  /** Closes contexts no journey picked up (a run cancelled before it started). Idempotent. */
  async release(): Promise<void> {
    const left = [...this.opened.values()].filter((e) => e.kind === 'ready' && !e.attached);
    await Promise.allSettled(left.map(async (e) => e.kind === 'ready' && closeJourney(e)));
  }
}

async function closeJourney(entry: Extract<Opened, { kind: 'ready' }>): Promise<void> {
  entry.attached = true;
  await entry.artifacts.discardTrace(entry.context);
  await entry.context.close().catch(() => undefined);
  await entry.artifacts.settle();
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepFailure('prober', `the browser did not open a page within ${ms} ms`)), ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}
