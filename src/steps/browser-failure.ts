import type { Page } from 'playwright-core';
import { oneLine } from '../journey/classify-failure.js';
import { StepFailure, isStepFailure, isStepSkipped } from '../journey/errors.js';

/**
 * Playwright errors carry no codes, only a class name and a message. This is the one place that reads them, at the
 * edge, and turns them into contract categories, so `classifyFailure` keeps deciding on codes alone.
 */

// Chromium's net error names, as Playwright reports them on a failed navigation ("net::ERR_CONNECTION_REFUSED").
const NETWORK_ERRORS: Record<string, string> = {
  ERR_CONNECTION_REFUSED: 'connection refused',
  ERR_CONNECTION_RESET: 'connection reset by peer',
  ERR_CONNECTION_CLOSED: 'connection closed by peer',
  ERR_EMPTY_RESPONSE: 'connection closed without a response',
  ERR_CONNECTION_FAILED: 'connection failed',
  ERR_ADDRESS_UNREACHABLE: 'address unreachable',
  ERR_NAME_NOT_RESOLVED: 'DNS lookup failed',
  ERR_NAME_RESOLUTION_FAILED: 'DNS lookup failed',
  ERR_INTERNET_DISCONNECTED: 'network is down',
  ERR_TIMED_OUT: 'connection timed out',
  ERR_CONNECTION_TIMED_OUT: 'connection timed out',
};

// Every Playwright API error starts with the method that failed: "locator.click: ...", "page.goto: ...".
const PLAYWRIGHT_CALL = /^(page|locator|frame|frameLocator|browserContext|elementHandle|keyboard|mouse|response|request|route|tracing)\.[A-Za-z]+: /;

export function oneLineOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return oneLine(message.split('\n')[0] ?? message);
}

/** The first "waiting for …" line of Playwright's call log says which element was missing. */
function waitedFor(message: string): string | undefined {
  const line = message.split('\n').find((l) => /^\s*- waiting for /.test(l));
  return line?.replace(/^\s*- waiting for /, '').trim();
}

function isClosedOrCrashed(err: Error, page: Page | undefined): boolean {
  if (err.name === 'TargetClosedError') return true;
  if (page === undefined) return false;
  return page.isClosed() || page.context().browser()?.isConnected() === false;
}

/**
 * Maps what a page step threw to a StepFailure with a contract category, or returns it unchanged when it is not
 * Playwright's (a TypeError in the probe stays a probe bug: `prober`).
 * - the page, context or browser closed or crashed → `prober` (the prober's own tool failed; never an outage)
 * - a navigation refused / reset / unresolvable → `network`
 * - the document answered ≥ 400 → `http_status` (checked via the page's own navigation timing)
 * - an element that never appeared within an explicit wait, or any other Playwright call that failed → `browser`
 */
export async function translateBrowserError(err: unknown, page: Page | undefined): Promise<unknown> {
  if (isStepFailure(err) || isStepSkipped(err) || !(err instanceof Error)) return err;
  if (isClosedOrCrashed(err, page)) {
    return new StepFailure('prober', `the browser page closed or Chromium crashed mid-step: ${oneLineOf(err)}`, { cause: err });
  }
  const net = /net::(ERR_[A-Z_]+)/.exec(err.message)?.[1];
  if (net !== undefined) {
    const what = NETWORK_ERRORS[net] ?? (/^ERR_(CERT|SSL)_/.test(net) ? 'TLS error' : undefined);
    if (what !== undefined) return new StepFailure('network', `page load failed: ${what} (net::${net})`, { cause: err });
    return new StepFailure('browser', `navigation failed (net::${net})`, { cause: err });
  }
  const isTimeout = err.name === 'TimeoutError';
  if (!isTimeout && !PLAYWRIGHT_CALL.test(err.message)) return err;
  const status = page === undefined ? undefined : await documentStatus(page);
  if (status !== undefined && status >= 400) {
    return new StepFailure('http_status', `the page ${pagePath(page)} answered HTTP ${status}`, { httpStatus: status, cause: err });
  }
  const target = waitedFor(err.message);
  const message = isTimeout && target !== undefined ? `element missing: ${target} (${oneLineOf(err)})` : oneLineOf(err);
  return new StepFailure('browser', message, { cause: err });
}

/**
 * Status of the current document from the browser's own navigation timing (Chromium ≥ 109). Bounded: the page
 * may be wedged, and evidence-gathering must never hold a failed step longer.
 */
export async function documentStatus(page: Page, boundMs = 1_000): Promise<number | undefined> {
  if (page.isClosed()) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), boundMs);
  });
  const read = page
    .evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as (PerformanceEntry & { responseStatus?: number }) | undefined;
      return nav?.responseStatus;
    })
    .catch(() => undefined);
  try {
    const status = await Promise.race([read, bound]);
    return typeof status === 'number' && status > 0 ? status : undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Path only: the query of a page URL can carry a session id or a token. */
function pagePath(page: Page | undefined): string {
  try {
    return page === undefined ? '(unknown)' : new URL(page.url()).pathname;
  } catch {
    return '(unknown)';
  }
}
