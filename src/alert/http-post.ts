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

/** One POST, never following redirects, bounded by the attempt deadline; failures come back as outcomes, never thrown. */
export async function postJson(request: PostRequest, ctx: SendContext): Promise<AttemptOutcome> {
  const deadline = AbortSignal.timeout(ctx.timeoutMs);
  const signal = AbortSignal.any([ctx.signal, deadline]);
  try {
    const res = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'golden-path-prober', ...request.headers },
      body: request.body,
      redirect: 'manual',
      signal,
    });
    // The status is the answer; a body that misbehaves after it must not turn an acceptance into a retry.
    await drain(res, signal).catch(() => undefined);
    return outcomeForStatus(res.status, res.headers.get('retry-after'), ctx.now.getTime());
  } catch (err) {
    return { kind: 'retry', reason: networkReason(err, deadline.aborted) };
  }
}

/** Reads (and discards) a bounded amount so the connection can be reused; a body that never ends hits the deadline. */
async function drain(res: Response, signal: AbortSignal): Promise<void> {
  if (res.body === null) return;
  const reader = res.body.getReader();
  let seen = 0;
  try {
    while (seen < MAX_RESPONSE_BYTES && !signal.aborted) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
