import { Agent, request } from 'undici';
import { jsonReply, type Reply } from './http-util.js';

export type Verification =
  | { outcome: 'active'; sub: string; sid: string }
  | { outcome: 'inactive'; reason: string }
  | { outcome: 'unavailable'; reason: string };

const VALIDATE_TIMEOUT_MS = 2000;

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
