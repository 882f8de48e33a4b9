import { CookieJar } from 'tough-cookie';
import type { JourneyResources } from '../journey/step-ports.js';

/**
 * One cookie jar per journey run (RFC 6265 matching by tough-cookie), keyed by the run's resources object, which the
 * runner makes anew for every journey and every attempt: cookies never cross journeys, retries or runs, and are
 * collected with the run. HTTP, SSE and the WebSocket upgrade share it.
 */
const jars = new WeakMap<JourneyResources, CookieJar>();
/** Jars that were ever offered a cookie: most API journeys get none, and need not ask tough-cookie on each request. */
const offered = new WeakSet<CookieJar>();

export function journeyCookies(resources: JourneyResources): CookieJar {
  let jar = jars.get(resources);
  if (jar === undefined) {
    jar = new CookieJar();
    jars.set(resources, jar);
  }
  return jar;
}

/**
 * The `Cookie` header for `url`: the probe's own header first, then the jar's matching cookies. Synchronous (no
 * promise) when the jar was never offered a cookie, as for most API journeys, on every request they make.
 */
export function cookieHeader(
  jar: CookieJar | undefined,
  url: string,
  given: string | undefined,
): string | undefined | Promise<string | undefined> {
  if (jar === undefined || !offered.has(jar)) return joinCookies(given, '');
  return jar.getCookieString(url).then((stored) => joinCookies(given, stored));
}

function joinCookies(given: string | undefined, stored: string): string | undefined {
  const parts = [given, stored].filter((p): p is string => p !== undefined && p !== '');
  return parts.length === 0 ? undefined : parts.join('; ');
}

/**
 * Stores a response's cookies. Every value is redacted from then on, whether or not the probe marks it; a cookie the
 * jar refuses (another domain, a bad attribute) is dropped, as a browser would. Synchronous when the response set
 * none.
 */
export function storeCookies(
  jar: CookieJar | undefined,
  url: string,
  setCookie: string | string[] | undefined,
  markSecret: (value: string) => void,
): Promise<void> | undefined {
  if (setCookie === undefined) return undefined;
  const cookies = Array.isArray(setCookie) ? setCookie : [setCookie];
  for (const cookie of cookies) {
    const value = cookie.split(';')[0]?.split('=').slice(1).join('=');
    if (value !== undefined && value !== '') markSecret(value);
  }
  if (jar === undefined || cookies.length === 0) return undefined;
  offered.add(jar);
  return (async () => {
    for (const cookie of cookies) await jar.setCookie(cookie, url, { ignoreError: true });
  })();
}
