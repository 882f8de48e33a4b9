import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { IncomingMessage } from 'node:http';

/**
 * HTTP basic auth against bcrypt hashes and a bearer token. bcryptjs (pure JS, no native build for the image's
 * architecture, async compare that yields to the event loop) verifies a password; as Prometheus' exporter-toolkit
 * does, a verified user:password pair is remembered (by its SHA-256, never the password) so a scraper sending the
 * same credentials every few seconds costs one bcrypt, not one per request.
 */

export type AuthVerdict = 'ok' | 'missing' | 'wrong';

export interface CredentialOptions {
  basicUsers?: Readonly<Record<string, string>> | undefined;
  bearerToken?: string | undefined;
}

/** How many verified basic credentials are remembered (a handful of scrapers and people). */
const CACHE_SIZE = 64;

let dummyHash: Promise<string> | undefined;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export class Credentials {
  private readonly verified = new Map<string, true>();
  private readonly token: Buffer | undefined;

  constructor(private readonly options: CredentialOptions) {
    this.token = options.bearerToken === undefined ? undefined : digest(options.bearerToken);
  }

  /** The `WWW-Authenticate` challenges a 401 carries. */
  challenges(): string[] {
    return [
      ...(this.options.basicUsers === undefined ? [] : ['Basic realm="golden-path-prober", charset="UTF-8"']),
      ...(this.token === undefined ? [] : ['Bearer realm="golden-path-prober"']),
    ];
  }

  async check(req: Pick<IncomingMessage, 'headers'>): Promise<AuthVerdict> {
    const header = req.headers.authorization;
    if (header === undefined || header === '') return 'missing';
    const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() === 'bearer' && this.token !== undefined) {
      // Equal-length digests: the comparison time says nothing about the token.
      return timingSafeEqual(digest(value), this.token) ? 'ok' : 'wrong';
    }
    if (scheme.toLowerCase() === 'basic' && this.options.basicUsers !== undefined) {
      return (await this.basic(value)) ? 'ok' : 'wrong';
    }
    return 'wrong';
  }

  private async basic(encoded: string): Promise<boolean> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return false;
    const user = decoded.slice(0, colon);
    const hash = Object.hasOwn(this.options.basicUsers ?? {}, user) ? this.options.basicUsers?.[user] : undefined;
    if (hash === undefined) {
      // As long as a known user's check, so the answer time does not tell which user names exist.
      dummyHash ??= bcrypt.hash(randomUUID(), 10);
      await bcrypt.compare(decoded.slice(colon + 1), await dummyHash);
      return false;
    }
    const key = digest(`${hash}\0${decoded}`).toString('base64');
    if (this.verified.has(key)) return true;
    if (!(await bcrypt.compare(decoded.slice(colon + 1), hash))) return false;
    if (this.verified.size >= CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(key, true);
    return true;
  }
}
