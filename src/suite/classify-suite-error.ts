import type { Category } from '../journey/result-schema.js';

/** A request the page made, read from the Playwright trace of the test (the HAR entries in its `.network` files). */
export interface SeenRequest {
  url: string;
  method: string;
  status: number;
  /** Epoch ms. */
  startedAt: number;
  /** `document` for a navigation, when the trace says so. */
  resourceType?: string | undefined;
}

export interface SuiteVerdict {
  category: Category;
  message: string;
  httpStatus?: number;
  /** The request that explains the failure: its URL names the service. */
  request?: SeenRequest;
}

const CHOSEN = /\[prober:([a-z_]+)\] /;
const CHOOSABLE = new Set<Category>(['timeout', 'network', 'http_status', 'auth', 'contract', 'assertion', 'browser']);

/** A login page URL: the app sent the user back to log in. */
const LOGIN_PATH = /\/(log-?in|sign-?in|auth\/login)(\/|$|\?)/i;

/** Faults of the test or of the prober's side of the browser: never the environment's. */
const PROBER_FAULTS: [RegExp, string][] = [
  [/SyntaxError|Cannot find module|ERR_MODULE_NOT_FOUND|is not defined\b|ReferenceError/, 'the test code does not run'],
  [
    /Fixture "[^"]*" has unknown parameter|Test has unknown parameter|fixture "[^"]*" not found|unknown fixture/i,
    'a fixture the test uses does not exist',
  ],
  [
    /browserType\.launch|Executable doesn't exist|Failed to launch|Browser closed\.|Looks like Playwright Test or Playwright was just installed/i,
    'the browser did not start',
  ],
  [/Page crashed|Target crashed|browser has disconnected/i, 'the browser crashed'],
  [
    /test\.(skip|fixme|fail|slow)\(\) can only be called|test\.(skip|fixme)\(\) .*inside/i,
    'test.skip/test.fixme is misused',
  ],
];

const NETWORK =
  /net::ERR_(CONNECTION_(REFUSED|RESET|CLOSED|ABORTED|FAILED)|NAME_NOT_RESOLVED|ADDRESS_UNREACHABLE|EMPTY_RESPONSE|CERT_[A-Z_]+|SSL_[A-Z_]+|INTERNET_DISCONNECTED|SOCKET_NOT_CONNECTED|INVALID_RESPONSE)|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket hang up/;
const TIMEOUT =
  /Test timeout of \d+ms exceeded|Timeout \d+ms exceeded|Timed out \d+ms waiting|net::ERR_TIMED_OUT|Timeout: \d+ms/;

/**
 * What a failed Playwright test says about the environment, with the same categories as the prober's own journeys:
 * first the test's and the prober's own faults (`prober`), then what the page's own requests answered during the
 * failing step (a 401/403 is `auth`, any other 4xx/5xx `http_status`, being sent back to the login page `auth`),
 * then the error itself: network errors, timeouts (waiting for something that never appeared, as our own journeys
 * judge a missing reply), assertion failures (a value that was there but wrong), a closed page. Pure.
 */
export function classifySuiteError(
  error: { message: string; stack?: string | undefined },
  requests: readonly SeenRequest[],
  step: string,
): SuiteVerdict {
  const message = firstLines(error.message);
  const text = `${error.message}\n${error.stack ?? ''}`;
  // `prober.fail(category, message)` of the fixture: the test chose the category.
  const chosen = CHOSEN.exec(error.message);
  if (chosen !== null && CHOOSABLE.has(chosen[1] as Category))
    return {
      category: chosen[1] as Category,
      message: firstLines(error.message.slice(chosen.index + chosen[0].length)),
    };
  for (const [pattern, why] of PROBER_FAULTS)
    if (pattern.test(text)) return { category: 'prober', message: `${why}: ${message}` };
  const failed = requests.find((r) => r.status >= 400);
  if (failed !== undefined) {
    const what = `${failed.method} ${shortUrl(failed.url)} answered ${failed.status}`;
    const category: Category = failed.status === 401 || failed.status === 403 ? 'auth' : 'http_status';
    return { category, message: `${what}: ${message}`, httpStatus: failed.status, request: failed };
  }
  const relogin = requests.find((r) => r.resourceType === 'document' && LOGIN_PATH.test(new URL(r.url).pathname));
  if (relogin !== undefined && !/log-?in|sign-?in/i.test(step))
    return {
      category: 'auth',
      message: `the app showed the login page again (${shortUrl(relogin.url)}): ${message}`,
      request: relogin,
    };
  if (NETWORK.test(text)) return { category: 'network', message };
  if (/Target page, context or browser has been closed|Target closed|page has been closed/i.test(text))
    return { category: 'browser', message: `the page was closed: ${message}` };
  if (isAssertion(error.message)) return { category: 'assertion', message };
  if (TIMEOUT.test(text)) return { category: 'timeout', message };
  if (/strict mode violation|not attached to the DOM|is not visible|Element is outside of the viewport/i.test(text))
    return { category: 'browser', message };
  if (/^TypeError\b/m.test(error.message)) return { category: 'prober', message: `the test code failed: ${message}` };
  // A plain `throw new Error('cart is empty')` in a test: the business expectation the test encodes was not met.
  return { category: 'assertion', message };
}

/**
 * An expect() that found a value and it was wrong. One that waited for an element that never appeared (Playwright
 * prints `Received: <element(s) not found>` or no Received at all) is a timeout, as our journeys judge it.
 */
function isAssertion(message: string): boolean {
  if (!/expect\(/.test(message) && !/^\s*(Expected|Received)/m.test(message)) return false;
  const received = /Received[^:\n]*:\s*(.*)/.exec(message)?.[1]?.trim();
  if (received === undefined) return !/Timeout: \d+ms|Timed out \d+ms/.test(message);
  return !/element\(s\) not found|<element\(s\) not found>/.test(received);
}

/** Origin and path, never a query string (it may carry a token). */
export function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/** The first line of Playwright's message, and the `Locator`/`Expected`/`Received` lines that say what was wrong. */
function firstLines(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const head = (lines[0] ?? 'the test failed').replace(/^Error:\s*/, '');
  const detail = lines.filter((l) => /^(Locator|Expected|Received)\b/.test(l)).slice(0, 3);
  return [head, ...detail].join('; ').slice(0, 500);
}
