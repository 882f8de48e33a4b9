import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { FaultSpec } from './fault-catalog.js';
import { jsonReply, sendReply, type Reply } from './http-util.js';

export interface HttpFaultContext {
  /** Aborted when the sandbox closes, so delayed and dripping responses stop with it. */
  signal: AbortSignal;
  dripIntervalMs: number;
}

export interface FaultableRequest {
  req: IncomingMessage;
  res: ServerResponse;
  fault: FaultSpec | undefined;
  /** The field `schema` removes from a successful JSON body. */
  requiredField?: string;
  /** Computes the normal response; only called when the effect needs it. */
  handle: () => Promise<Reply>;
}

const INJECTED_STATUS: Record<string, number> = { http500: 500, http404: 404, http401: 401 };

/**
 * Delivers an endpoint's response through the active fault, if any. Effects not listed here
 * (e.g. auth's `badaud`) are the endpoint's own business and arrive with a normal delivery.
 */
export async function serveWithFault(ctx: HttpFaultContext, r: FaultableRequest): Promise<void> {
  const effect = r.fault?.effect;
  const injected = effect === undefined ? undefined : INJECTED_STATUS[effect];
  if (injected !== undefined) return sendReply(r.res, jsonReply(injected, { error: 'injected fault' }));
  switch (effect) {
    case 'hang':
      // The request has been read; the socket stays open until the client gives up or the sandbox closes.
      return;
    case 'reset':
      r.req.socket.resetAndDestroy();
      return;
    case 'refuse':
      // Only reachable in the instant between a refuse being set and the port closing.
      r.req.socket.destroy();
      return;
    case 'slow':
      if (!(await sleep(r.fault?.arg ?? 0, ctx.signal))) return;
      return sendReply(r.res, await r.handle());
    case 'drip':
      return drip(r.res, await r.handle(), ctx);
    case 'malformed':
      return sendReply(r.res, malformed(await r.handle()));
    case 'schema':
      return sendReply(r.res, withoutField(await r.handle(), r.requiredField));
    default:
      return sendReply(r.res, await r.handle());
  }
}

/** Resolves false when the sandbox closed during the wait. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function isSuccess(reply: Reply): boolean {
  return reply.status >= 200 && reply.status < 300 && reply.body !== undefined;
}

function malformed(reply: Reply): Reply {
  if (!isSuccess(reply)) return reply;
  // Cut inside the first string value, e.g. {"access_token":"ey — what a truncated proxy buffer looks like.
  const body = reply.body ?? '';
  const firstValue = body.indexOf('":"');
  const cut = firstValue === -1 ? Math.floor(body.length / 2) : firstValue + 5;
  return { ...reply, body: body.slice(0, Math.min(cut, body.length - 1)), contentType: 'application/json' };
}

function withoutField(reply: Reply, field: string | undefined): Reply {
  if (!isSuccess(reply) || field === undefined) return reply;
  const value = JSON.parse(reply.body ?? '{}') as Record<string, unknown>;
  delete value[field];
  return { ...reply, body: JSON.stringify(value) };
}

/** Headers now, then the body one byte per interval: per-chunk read timeouts never fire on this. */
function drip(res: ServerResponse, reply: Reply, ctx: HttpFaultContext): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(reply.body ?? '', 'utf8');
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-type': reply.contentType ?? 'application/json',
    'content-length': body.length,
  });
  res.flushHeaders();
  let sent = 0;
  const writeNext = (): void => {
    if (sent >= body.length) {
      stop();
      res.end();
      return;
    }
    res.write(body.subarray(sent, sent + 1));
    sent += 1;
  };
  const timer = setInterval(writeNext, ctx.dripIntervalMs);
  const stop = (): void => {
    clearInterval(timer);
    ctx.signal.removeEventListener('abort', stop);
  };
  res.once('close', stop);
  ctx.signal.addEventListener('abort', stop, { once: true });
  writeNext();
}
