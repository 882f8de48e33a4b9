import { request } from 'undici';
import { networkReason, outcomeForStatus, type AttemptOutcome } from './delivery-outcome.js';

export interface PostRequest {
  /** Secret: never logged, never put in a reason. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SendContext {
  /** Aborted when the deliverer stops. */
  signal: AbortSignal;
  now: Date;
  /** Per-attempt deadline, the whole exchange included. */
  timeoutMs: number;
}

/** The only bytes of a response we look at; receivers can answer anything, we only need the status. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One POST with undici's `request`: it follows no redirects (and, unlike `fetch`, refuses no "bad ports"), bounded
 * by the attempt deadline. Failures come back as outcomes, never thrown.
 */
export async function postJson(req: PostRequest, ctx: SendContext): Promise<AttemptOutcome> {
  const deadline = AbortSignal.timeout(ctx.timeoutMs);
  const signal = AbortSignal.any([ctx.signal, deadline]);
  try {
    const res = await request(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'golden-path-prober', ...req.headers },
      body: req.body,
      signal,
    });
    // The status is the answer; a body that misbehaves after it must not turn an acceptance into a retry.
    await res.body.dump({ limit: MAX_RESPONSE_BYTES, signal }).catch(() => undefined);
    const retryAfter = res.headers['retry-after'];
    return outcomeForStatus(res.statusCode, typeof retryAfter === 'string' ? retryAfter : null, ctx.now.getTime());
  } catch (err) {
    return { kind: 'retry', reason: networkReason(err, deadline.aborted) };
  }
}
