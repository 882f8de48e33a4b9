import { oneLine } from '../journey/classify-failure.js';
import { StepFailure, isStepFailure, isStepSkipped } from '../journey/errors.js';
import type { Category } from '../journey/result-schema.js';
import { stripAnsi } from '../redact.js';

/**
 * Playwright errors carry a class (`errors.TimeoutError`) and otherwise only text. The class decides where it can;
 * the text is read here and nowhere else, through the one table below, whose rows are tested against errors real
 * Chromium produced (test/browser/playwright-errors.test.ts). `classifyFailure` keeps deciding on codes alone.
 */

/** What the page adapter saw while the step ran: evidence for reading an error, never a verdict on its own. */
export interface PageFacts {
  /** The main frame's latest document response. */
  document?: { status: number; path: string } | undefined;
  /** The page crashed, was closed, or its browser went away. */
  gone?: 'crashed' | 'closed' | 'disconnected' | undefined;
  /** The page's own fetch/XHR calls that failed during this step, oldest first. */
  failedCalls: readonly FailedCall[];
}

export interface FailedCall {
  method: string;
  /** Origin and path only. */
  url: string;
  status?: number | undefined;
  /** Chromium's net error for a call that got no response ("net::ERR_CONNECTION_REFUSED"). */
  netError?: string | undefined;
}

// The one table of Playwright's words. Each row: what the text means, and the pattern that says so.
export const PLAYWRIGHT_TEXT = {
  /** Every Playwright API error starts with the method that failed: "locator.click: …", "page.goto: …". */
  call: /^(page|locator|frame|frameLocator|browserContext|elementHandle|keyboard|mouse|touchscreen|response|request|route|tracing|browser)\.([A-Za-z]+): /,
  /** A navigation (or a fetch) Chromium could not complete: "net::ERR_CONNECTION_REFUSED at http://…". */
  netError: /net::(ERR_[A-Z0-9_]+)(?: at (\S+))?/,
  /** The renderer died under the call. */
  crashed: /Target crashed|Page crashed/,
  /** The page, its context or the browser was closed under the call (TargetClosedError, not exported). */
  closed: /Target page, context or browser has been closed|Browser has been closed|Target closed|Browser closed/,
  /** "Timeout 4500ms exceeded." */
  timeoutMs: /Timeout (\d+)ms exceeded/,
  /** Call-log lines (ANSI stripped): what was awaited, and why an element that was found could not be used. */
  waitingFor: /^\s*- waiting for (.+?)(?: to be (visible|hidden|attached|detached))?$/m,
  notEnabled: /element is not enabled/,
  notEditable: /element is not editable/,
  notVisible: /element is not visible/,
  notStable: /element is not stable|intercepts pointer events|outside of the viewport/,
  /** The locator matched an element (so it appeared), whatever kept the action from happening. */
  resolved: /locator resolved to/,
} as const;

/** Chromium's net errors in words; any other `net::ERR_*` is still `network`, named as Chromium names it. */
const NET_WORDS: Record<string, string> = {
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

/** Methods whose timeout means "the document did not load", a service answering too slowly, not a missing element. */
const NAVIGATIONS = new Set([
  'goto',
  'reload',
  'goBack',
  'goForward',
  'waitForURL',
  'waitForNavigation',
  'waitForLoadState',
  'setContent',
]);

export function oneLineOf(err: unknown): string {
  const message = stripAnsi(err instanceof Error ? err.message : String(err));
  return oneLine(message.split('\n')[0] ?? message);
}

/** `isTimeout`: Playwright's `errors.TimeoutError`, checked by class at the adapter; by name when no class is given. */
export type IsTimeout = (err: Error) => boolean;
const byName: IsTimeout = (err) => err.name === 'TimeoutError';

/**
 * Maps what a step that used the page threw to a StepFailure with a contract category, or returns it unchanged when
 * it is not Playwright's (a TypeError in the probe stays a probe bug: `prober`). In order:
 * - the page crashed, was closed, or the browser went away → `prober` (the prober's own tool failed; never an outage)
 * - `net::ERR_*` → `network`, naming the net error (ERR_ABORTED: `browser`, the page itself stopped the load)
 * - the main document answered ≥ 400 → `http_status`
 * - a navigation that timed out → `timeout`
 * - an element that never appeared, stayed disabled or hidden → `browser`, naming the action and the locator; when
 *   the page's own API calls failed meanwhile, their category (`auth`, `http_status`, `network`), naming the call
 * - any other Playwright call that failed (strict mode, evaluate) → `browser`
 */
export function classifyBrowserError(err: unknown, facts: PageFacts, isTimeout: IsTimeout = byName): unknown {
  if (isStepFailure(err) || isStepSkipped(err) || !(err instanceof Error)) return err;
  const text = stripAnsi(err.message);
  const call = PLAYWRIGHT_TEXT.call.exec(text);
  const timedOut = isTimeout(err);
  if (call === null && !timedOut && !PLAYWRIGHT_TEXT.closed.test(text)) return err;
  const action = call === null ? 'the page' : `${call[1]}.${call[2]}`;
  const fail = (category: Category, message: string, httpStatus?: number) =>
    new StepFailure(category, oneLine(message), { cause: err, ...(httpStatus === undefined ? {} : { httpStatus }) });

  const gone = PLAYWRIGHT_TEXT.crashed.test(text)
    ? 'crashed'
    : PLAYWRIGHT_TEXT.closed.test(text)
      ? (facts.gone ?? 'closed')
      : facts.gone;
  if (gone !== undefined)
    return fail('prober', `${action}: the browser page ${GONE[gone]}; the prober could not judge the step`);

  const net = PLAYWRIGHT_TEXT.netError.exec(text);
  if (net !== null) {
    const code = net[1] ?? 'ERR_FAILED';
    const where = net[2] === undefined ? '' : ` loading ${safePath(net[2], true)}`;
    if (code === 'ERR_ABORTED')
      return fail('browser', `${action}: the navigation was aborted (net::ERR_ABORTED)${where}`);
    const words = NET_WORDS[code] ?? (/^ERR_(CERT|SSL)_/.test(code) ? 'TLS error' : 'network error');
    return fail('network', `${action}: ${words} (net::${code})${where}`);
  }

  const doc = facts.document;
  const symptom = describe(text, action, timedOut);
  if (doc !== undefined && doc.status >= 400) {
    return fail('http_status', `the page ${doc.path} answered HTTP ${doc.status} (${symptom})`, doc.status);
  }
  if (timedOut && call !== null && call[1] === 'page' && NAVIGATIONS.has(call[2] ?? ''))
    return fail('timeout', symptom);
  const cause = facts.failedCalls[0];
  if (timedOut && cause !== undefined) {
    const [category, what] = callFailure(cause);
    return fail(category, `${symptom}; meanwhile the page's ${cause.method} ${cause.url} ${what}`, cause.status);
  }
  return fail('browser', symptom);
}

const GONE = { crashed: 'crashed', closed: 'was closed', disconnected: 'lost its browser (Chromium exited)' } as const;

/** "locator.fill: getByLabel('Email') did not appear within 4500 ms", or Playwright's first line when it is not a wait. */
function describe(text: string, action: string, timedOut: boolean): string {
  const ms = PLAYWRIGHT_TEXT.timeoutMs.exec(text)?.[1];
  const within = ms === undefined ? '' : ` within ${ms} ms`;
  if (!timedOut) return oneLineOf(text);
  const waited = PLAYWRIGHT_TEXT.waitingFor.exec(text);
  const target = waited?.[1];
  if (target === undefined) {
    const nav = /navigating to "([^"]+)"/.exec(text)?.[1];
    return nav === undefined
      ? `${action}: nothing happened${within}`
      : `${action}: ${safePath(nav, true)} did not load${within}`;
  }
  if (PLAYWRIGHT_TEXT.notEnabled.test(text))
    return `${action}: ${target} stayed disabled${ms === undefined ? '' : ` for ${ms} ms`}`;
  if (PLAYWRIGHT_TEXT.notEditable.test(text))
    return `${action}: ${target} stayed read-only${ms === undefined ? '' : ` for ${ms} ms`}`;
  if (PLAYWRIGHT_TEXT.notVisible.test(text))
    return `${action}: ${target} stayed hidden${ms === undefined ? '' : ` for ${ms} ms`}`;
  if (PLAYWRIGHT_TEXT.notStable.test(text))
    return `${action}: ${target} could not be acted on${within} (moving or covered)`;
  if (PLAYWRIGHT_TEXT.resolved.test(text)) return `${action}: ${target} was found but could not be acted on${within}`;
  const state = waited?.[2];
  if (state === 'hidden' || state === 'detached') return `${action}: ${target} did not disappear${within}`;
  return `${action}: ${target} did not appear${within}`;
}

function callFailure(call: FailedCall): [Exclude<Category, 'prober' | 'aborted'>, string] {
  if (call.status === 401 || call.status === 403) return ['auth', `answered HTTP ${call.status}`];
  if (call.status !== undefined) return ['http_status', `answered HTTP ${call.status}`];
  const code = call.netError?.replace(/^net::/, '') ?? 'ERR_FAILED';
  return ['network', `failed: ${NET_WORDS[code] ?? 'network error'} (net::${code})`];
}

/** Origin and path (or path only): the query of a page URL can carry a session id or a token. */
export function safePath(url: string, withOrigin = false): string {
  try {
    const u = new URL(url);
    return withOrigin ? `${u.origin}${u.pathname}` : u.pathname;
  } catch {
    return '(unknown)';
  }
}

/**
 * The line for a Chromium that would not launch. A headed launch on Linux with no display fails in Playwright with
 * only "Target page, context or browser has been closed"; that case is named from the settings and the environment
 * (not from the text), with the command that gives it a display.
 */
export function launchFailureLine(
  path: string,
  err: unknown,
  launch: { headless: boolean; env: Record<string, string | undefined>; platform?: NodeJS.Platform },
): string {
  const noDisplay =
    !launch.headless &&
    (launch.platform ?? process.platform) === 'linux' &&
    !launch.env.DISPLAY &&
    !launch.env.WAYLAND_DISPLAY;
  if (noDisplay)
    return `Chromium cannot open a window: --headed (browser.headless: false) needs a display and DISPLAY is not set; run it under xvfb-run (xvfb-run -a npx prober run --headed) or run headless`;
  return `Chromium failed to launch (${path}): ${oneLineOf(err)}`;
}
