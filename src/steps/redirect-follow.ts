import { StepFailure } from '../journey/errors.js';
import type { HttpRequestOptions, HttpResponse } from '../journey/step-clients.js';
import { CREDENTIAL_PARAMS, queryOf, shownHopUrl } from './redirect-url.js';

/**
 * `redirect: 'follow'` for `ctx.http`: our own loop rather than undici's redirect interceptor, which does not hand an
 * intermediate hop's `Set-Cookie` to a cookie jar (nodejs/undici#3784), and a login chain sets its session cookies on
 * exactly those hops. Each hop is a full request of the client (`hop`), so the journey's cookie jar, the step
 * deadline, tagging and evidence apply to every one.
 */

export const DEFAULT_MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** One request of the chain; its status is never checked (`expect: 'any'`). */
export type Hop = (method: string, url: string, options: HttpRequestOptions, inChain: boolean) => Promise<HttpResponse>;

export interface FollowInput {
  method: string;
  url: string;
  options: HttpRequestOptions;
  hop: Hop;
  markSecret: (value: string) => void;
}

/**
 * Follows the chain from `url` and returns the first response that is not a redirect (its status left for the caller
 * to check), or, when the next location starts with `options.stopAt`, the redirect that pointed there, with
 * `stoppedAt` set and that location never fetched.
 */
export async function followRedirects(input: FollowInput): Promise<HttpResponse> {
  const { markSecret } = input;
  const max = input.options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const stopAt = input.options.stopAt;
  let method = input.method;
  let url = input.url;
  let options = requestOnly(input.options);
  const chain: string[] = [url];
  const seen = new Set([`${method} ${url}`]);
  for (;;) {
    const res = await input.hop(method, url, options, true);
    const location = headerOne(res.headers.location);
    if (!REDIRECT_STATUSES.has(res.status) || location === undefined) return res;
    // Read and dropped, so the connection goes back to the pool; a redirect's body is a courtesy page.
    await res.text().catch(() => undefined);
    const next = resolveLocation(location, url, chain);
    if (stopAt !== undefined && next.startsWith(stopAt)) {
      const query = queryOf(next);
      for (const [key, value] of Object.entries(query)) if (CREDENTIAL_PARAMS.has(key.toLowerCase())) markSecret(value);
      return { ...res, stoppedAt: { url: next, query } };
    }
    if (!/^https?:$/.test(new URL(next).protocol))
      throw new StepFailure(
        'contract',
        `redirect to a non-HTTP URL ${shownHopUrl(next)} after ${describeChain(chain)} (give stopAt to end the chain there)`,
      );
    const nextMethod = methodAfter(res.status, method);
    const key = `${nextMethod} ${next}`;
    chain.push(next);
    if (seen.has(key)) throw new StepFailure('contract', `redirect loop: ${describeChain(chain)}`);
    if (chain.length - 1 > max)
      throw new StepFailure('contract', `more than ${max} redirects (maxRedirects): ${describeChain(chain)}`);
    seen.add(key);
    if (new URL(next).origin !== new URL(url).origin) options = withoutCredentials(options);
    if (nextMethod !== method && nextMethod === 'GET') options = withoutBody(options);
    method = nextMethod;
    url = next;
  }
}

/**
 * The method of the next hop, as browsers (and the Fetch standard) do it: 303 turns anything but HEAD into GET,
 * 301/302 turn a POST into GET, 307/308 keep method and body.
 */
export function methodAfter(status: number, method: string): string {
  if (status === 303 && method !== 'HEAD') return 'GET';
  if ((status === 301 || status === 302) && method === 'POST') return 'GET';
  return method;
}

function resolveLocation(location: string, base: string, chain: readonly string[]): string {
  try {
    return new URL(location, base).toString();
  } catch {
    throw new StepFailure('contract', `redirect with an invalid Location header after ${describeChain(chain)}`);
  }
}

/** Per-request options without the redirect ones, which belong to the chain. */
function requestOnly(options: HttpRequestOptions): HttpRequestOptions {
  const { redirect: _r, maxRedirects: _m, stopAt: _s, expect: _e, query: _q, ...rest } = options;
  return rest;
}

/** A cross-origin hop loses `Authorization` (and a probe-given `Cookie`), as the Fetch standard says. */
function withoutCredentials(options: HttpRequestOptions): HttpRequestOptions {
  const { bearer: _b, basic: _a, headers, ...rest } = options;
  if (headers === undefined) return rest;
  const kept = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !/^(authorization|cookie|proxy-authorization)$/i.test(name)),
  );
  return { ...rest, headers: kept };
}

function withoutBody(options: HttpRequestOptions): HttpRequestOptions {
  const { json: _j, form: _f, body: _b, headers, ...rest } = options;
  if (headers === undefined) return rest;
  const kept = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !/^content-(type|length|encoding)$/i.test(name)),
  );
  return { ...rest, headers: kept };
}

function describeChain(chain: readonly string[]): string {
  return chain.map(shownHopUrl).join(' → ');
}

function headerOne(v: string | readonly string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : v?.[0];
}
