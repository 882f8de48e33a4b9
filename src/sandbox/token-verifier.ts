import { Agent, request } from 'undici';
import { jsonReply, type Reply } from './http-util.js';

export type Verification =
  | { outcome: 'active'; sub: string; sid: string }
  | { outcome: 'inactive'; reason: string }
  | { outcome: 'unavailable'; reason: string };

// Generous: no fault slows /auth/validate (auth faults act on /auth/login), so this bound only decides how long a
// starved box may take before the backend says auth_unavailable, which it must never say of a healthy sandbox.
const VALIDATE_TIMEOUT_MS = 10_000;
/** A pooled connection the auth server closed as it was reused: undici does not retry a POST, a backend would. */
const RETRIED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);

/**
 * The backend's view of auth: every token is checked by calling auth over HTTP, as in the
 * incident architecture, so auth faults (refused port, wrong audience) surface at the backend.
 * A private undici Agent keeps the pooled connections closable with the sandbox.
 */
export class TokenVerifier {
  readonly #agent = new Agent({ connect: { timeout: VALIDATE_TIMEOUT_MS } });
  readonly #authUrl: () => string;

  constructor(authUrl: () => string) {
    this.#authUrl = authUrl;
  }

  async verify(token: string | undefined, requestId: string): Promise<Verification> {
    if (token === undefined || token === '') return { outcome: 'inactive', reason: 'missing_token' };
    const first = await this.#validate(token, requestId);
    if (first.outcome === 'unavailable' && RETRIED_CODES.has(first.reason)) return this.#validate(token, requestId);
    return first;
  }

  async #validate(token: string, requestId: string): Promise<Verification> {
    try {
      const res = await request(`${this.#authUrl()}/auth/validate`, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ token }),
        signal: AbortSignal.timeout(VALIDATE_TIMEOUT_MS),
      });
      const body: unknown = await res.body.json().catch(() => undefined);
      if (res.statusCode !== 200 || typeof body !== 'object' || body === null) {
        return { outcome: 'unavailable', reason: `auth validate answered ${res.statusCode}` };
      }
      const fields = body as Record<string, unknown>;
      if (fields.active === true && typeof fields.sub === 'string' && typeof fields.sid === 'string') {
        return { outcome: 'active', sub: fields.sub, sid: fields.sid };
      }
      return { outcome: 'inactive', reason: typeof fields.reason === 'string' ? fields.reason : 'inactive' };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return { outcome: 'unavailable', reason: typeof code === 'string' ? code : 'auth_unreachable' };
    }
  }

  async close(): Promise<void> {
    await this.#agent.destroy();
  }
}

/** Maps a failed verification to the response the backend gives; undefined when the token is good. */
export function rejection(verification: Verification): Reply | undefined {
  if (verification.outcome === 'inactive')
    return jsonReply(401, { error: 'invalid_token', reason: verification.reason });
  if (verification.outcome === 'unavailable')
    return jsonReply(503, { error: 'auth_unavailable', reason: verification.reason });
  return undefined;
}
