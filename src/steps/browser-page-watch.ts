import type { Page, Request, Response } from 'playwright-core';
import type { FailedCall, PageFacts } from './browser-failure.js';
import { safeUrl } from './scope.js';

/** The page's own API calls: what a UI symptom ("the chat never appeared") is usually caused by. */
const API_CALLS = new Set(['fetch', 'xhr']);

/**
 * Watches one journey page through Playwright's events (no evaluate on a page that may be wedged): the main
 * document's status, a crash or close, and the page's fetch/XHR calls that failed during the current step.
 */
export class PageWatch {
  private document: PageFacts['document'];
  private gone: PageFacts['gone'];
  private calls: FailedCall[] = [];

  constructor(private readonly page: Page) {
    page.on('response', (res) => this.onResponse(res));
    page.on('requestfailed', (req) => this.onRequestFailed(req));
    page.on('crash', () => (this.gone = 'crashed'));
    page.on('close', () => (this.gone ??= 'closed'));
    page
      .context()
      .browser()
      ?.once('disconnected', () => (this.gone ??= 'disconnected'));
  }

  /** A new step starts: failed calls belong to the step they happened in; the document and a crash persist. */
  beginStep(): void {
    this.calls = [];
  }

  facts(): PageFacts {
    return { document: this.document, gone: this.gone, failedCalls: [...this.calls] };
  }

  private onResponse(res: Response): void {
    const req = res.request();
    if (req.isNavigationRequest() && res.frame() === this.page.mainFrame()) {
      this.document = { status: res.status(), path: pathOf(res.url()) };
    } else if (API_CALLS.has(req.resourceType()) && res.status() >= 400) {
      this.calls.push({ method: req.method(), url: safeUrl(res.url()), status: res.status() });
    }
  }

  private onRequestFailed(req: Request): void {
    const netError = req.failure()?.errorText;
    // ERR_ABORTED: the page itself cancelled the call (navigated away); not a failure of the service.
    if (!API_CALLS.has(req.resourceType()) || netError === undefined || netError.includes('ERR_ABORTED')) return;
    this.calls.push({ method: req.method(), url: safeUrl(req.url()), netError });
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(unknown)';
  }
}

/**
 * Makes every Playwright wait in a step end `marginMs` before the step's deadline, whenever it starts, so a missing
 * element is reported by Playwright (naming the locator) rather than cut off by the runner ("timed out"). Playwright
 * reads its default timeout when each call starts; a getter on the page's timeout settings answers with what is
 * left of the current step. A value the probe sets with `page.setDefaultTimeout` is kept when it is shorter.
 * If a Playwright version stores the setting elsewhere, the getter is never read and the runner's deadline still
 * holds (the steps then fail as `timeout`, which test/browser/plain-page-steps.test.ts would show).
 */
export function followDeadline(page: Page, deadline: () => number): { atStepStart(): void } {
  const left = () => Math.max(1, Math.round(deadline() - Date.now()));
  const settings = (page as unknown as { _timeoutSettings?: Record<string, unknown> })._timeoutSettings;
  if (typeof settings !== 'object' || settings === null || typeof settings.timeout !== 'function') {
    // Without the hook: at least no wait outlives the step (set when each step starts).
    return { atStepStart: () => page.setDefaultTimeout(left()) };
  }
  let chosen: number | undefined;
  Object.defineProperty(settings, '_defaultTimeout', {
    configurable: true,
    get: () => (chosen === undefined || chosen === 0 ? left() : Math.min(chosen, left())),
    set: (value: unknown) => {
      chosen = typeof value === 'number' ? value : undefined;
    },
  });
  return { atStepStart: () => undefined };
}

/** Inner deadlines end before outer ones, with room to report (as Cloudprober gives Playwright min(10 %, 2 s)). */
export function playwrightMargin(stepTimeoutMs: number): number {
  return Math.min(2_000, Math.max(100, Math.round(stepTimeoutMs * 0.1)));
}
