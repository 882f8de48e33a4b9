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

/** The `Cookie` header for `url`: the probe's own header first, then the jar's matching cookies. */
export async function cookieHeader(
  jar: CookieJar | undefined,
  url: string,
  given: string | undefined,
): Promise<string | undefined> {
  const stored = jar === undefined || !offered.has(jar) ? '' : await jar.getCookieString(url);
  const parts = [given, stored].filter((p): p is string => p !== undefined && p !== '');
  return parts.length === 0 ? undefined : parts.join('; ');
}

/**
 * Stores a response's cookies. Every value is redacted from then on, whether or not the probe marks it; a cookie the
 * jar refuses (another domain, a bad attribute) is dropped, as a browser would.
 */
export async function storeCookies(
  jar: CookieJar | undefined,
  url: string,
  setCookie: string | string[] | undefined,
  markSecret: (value: string) => void,
): Promise<void> {
  for (const cookie of Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie]) {
    const value = cookie.split(';')[0]?.split('=').slice(1).join('=');
    if (value !== undefined && value !== '') markSecret(value);
    if (jar === undefined) continue;
    offered.add(jar);
    await jar.setCookie(cookie, url, { ignoreError: true });
  }
}
