import { errorCodes } from '../journey/error-codes.js';

/** What one delivery attempt came to; the outbox decides what happens next from this alone. */
export type AttemptOutcome =
  | { kind: 'accepted'; status: number }
  /** Worth another attempt: network error, timeout, 5xx, 408, 429, an unfollowed redirect. */
  | { kind: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  /** The receiver will never take this notification (4xx other than 408/429): dead-letter at once. */
  | { kind: 'refused'; reason: string; status: number }
  /** 410 Gone: the receiver is gone for good; the channel is disabled. */
  | { kind: 'gone'; reason: string; status: 410 };

/** Pure: a response status (and Retry-After) as an outcome. Redirects are never followed: a moved hook is a config problem. */
export function outcomeForStatus(status: number, retryAfter: string | null, nowMs: number): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'accepted', status };
  if (status === 410) return { kind: 'gone', status, reason: 'HTTP 410 Gone' };
  if (status >= 300 && status < 400)
    return { kind: 'retry', status, reason: `HTTP ${status} redirect (not followed; fix the channel URL)` };
  if (status === 429 || status === 503) {
    const wait = parseRetryAfter(retryAfter, nowMs);
    return { kind: 'retry', status, reason: `HTTP ${status}`, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  }
  if (status === 408 || status >= 500) return { kind: 'retry', status, reason: `HTTP ${status}` };
  return { kind: 'refused', status, reason: `HTTP ${status}` };
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Why a request failed without a response, as an error code (never a message: it could carry the URL). */
export function networkReason(err: unknown, timedOut: boolean): string {
  if (timedOut) return 'attempt timed out';
  // undici wraps the socket error in `cause`; happy-eyeballs connects wrap several in AggregateError.errors.
  const codes = errorCodes(err);
  return codes.length > 0 ? `network error ${codes.join('/')}` : 'network error';
}
