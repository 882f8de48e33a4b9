import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A response computed before it is delivered, so fault effects can delay, trickle or corrupt it. */
export interface Reply {
  status: number;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, body: JSON.stringify(value), contentType: 'application/json', ...(headers ? { headers } : {}) };
}

export class BadRequest extends Error {}

// Echo only ids that are safe to put back in a header; anything else would let a caller inject headers.
const SAFE_REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, x-synthetic-probe, traceparent, x-request-id',
  'access-control-expose-headers': 'x-request-id',
  'access-control-max-age': '600',
};

/**
 * Headers every response of a service carries. The web UI calls auth and backend from another
 * origin, so CORS is applied here once, for fault responses as much as normal ones: a browser
 * must see the injected 500, not an opaque CORS error.
 * Returns true when the request was a preflight and has been answered.
 */
export function prepareResponse(req: IncomingMessage, res: ServerResponse, cors: boolean): boolean {
  res.setHeader('x-request-id', requestIdFor(req));
  if (!cors) return false;
  for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204).end();
  return true;
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const body = Buffer.from(reply.body, 'utf8');
  headers['content-type'] = reply.contentType ?? 'application/json';
  headers['content-length'] = body.length;
  res.writeHead(reply.status, headers).end(body);
}

const MAX_BODY_BYTES = 1 << 20;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest('body is not a JSON object');
  return value as Record<string, unknown>;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** Path without the query string; the URL base is irrelevant because only the path is routed. */
export function pathOf(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://sandbox.invalid');
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Turns thrown errors into JSON responses so a handler bug never leaves a request hanging by accident. */
export function guarded(handler: RouteHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handler(req, res).catch((err: unknown) => {
      if (err instanceof BadRequest) sendReply(res, jsonReply(400, { error: 'bad_request', message: err.message }));
      else
        sendReply(
          res,
          jsonReply(500, { error: 'internal', message: err instanceof Error ? err.message : String(err) }),
        );
    });
  };
}
