import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ChatSessions } from './chat-sessions.js';
import { runChatExchange, type ChatEvent, type ChatSink } from './chat-exchange.js';
import type { FaultStore } from './fault-controller.js';
import { serveWithFault, type HttpFaultContext } from './http-fault.js';
import {
  bearerToken,
  guarded,
  jsonReply,
  parseJsonObject,
  pathOf,
  prepareResponse,
  readBody,
  sendReply,
} from './http-util.js';
import { rejection, type TokenVerifier, type Verification } from './token-verifier.js';

export interface BackendDeps {
  sessions: ChatSessions;
  verifier: TokenVerifier;
  faults: FaultStore;
  faultContext: HttpFaultContext;
  /** Read per request: a rollout changes it while the service runs. */
  version: () => string;
  replyDeltas: number;
}

const SESSION_PATH = /^\/api\/sessions\/([^/]+)$/;
const MESSAGES_PATH = /^\/api\/sessions\/([^/]+)\/messages$/;

export function createBackendServer(deps: BackendDeps): Server {
  return createServer(
    guarded(async (req, res) => {
      if (prepareResponse(req, res, true)) return;
      const path = pathOf(req).pathname;
      const method = req.method ?? 'GET';
      if (method === 'POST' && path === '/api/sessions') return createSession(deps, req, res);
      if (method === 'GET' && path === '/api/sessions') return listSessions(deps, req, res);
      const sessionId = SESSION_PATH.exec(path)?.[1];
      if (method === 'DELETE' && sessionId !== undefined)
        return deleteSession(deps, req, res, decodeURIComponent(sessionId));
      const messagesFor = MESSAGES_PATH.exec(path)?.[1];
      if (method === 'POST' && messagesFor !== undefined)
        return streamMessage(deps, req, res, decodeURIComponent(messagesFor));
      if (method === 'GET' && path === '/health')
        return sendReply(res, jsonReply(200, { status: 'ok', service: 'backend' }));
      if (method === 'GET' && path === '/version')
        return sendReply(res, jsonReply(200, { service: 'backend', version: deps.version() }));
      sendReply(res, jsonReply(404, { error: 'not_found' }));
    }),
  );
}

async function verify(deps: BackendDeps, req: IncomingMessage, res: ServerResponse): Promise<Verification> {
  const requestId = res.getHeader('x-request-id');
  return deps.verifier.verify(bearerToken(req), typeof requestId === 'string' ? requestId : '');
}

async function createSession(deps: BackendDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await readBody(req);
  await serveWithFault(deps.faultContext, {
    req,
    res,
    fault: deps.faults.get('session.create'),
    requiredField: 'session_id',
    handle: async () => {
      const verification = await verify(deps, req, res);
      if (verification.outcome !== 'active')
        return rejection(verification) ?? jsonReply(401, { error: 'invalid_token' });
      const tag = req.headers['x-synthetic-probe'];
      const session = deps.sessions.create(verification.sub, typeof tag === 'string' ? tag : undefined);
      return jsonReply(201, { session_id: session.id, created_at: session.createdAt });
    },
  });
}

/** The caller's own sessions, with the synthetic tag, so a janitor can find what a killed probe left behind. */
async function listSessions(deps: BackendDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const verification = await verify(deps, req, res);
  const rejected = rejection(verification);
  if (rejected !== undefined || verification.outcome !== 'active')
    return sendReply(res, rejected ?? jsonReply(401, {}));
  const mine = deps.sessions.list().filter((s) => s.userId === verification.sub);
  sendReply(
    res,
    jsonReply(200, {
      sessions: mine.map((s) => ({ session_id: s.id, created_at: s.createdAt, synthetic: s.synthetic ?? null })),
    }),
  );
}

async function deleteSession(deps: BackendDeps, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  await readBody(req);
  await serveWithFault(deps.faultContext, {
    req,
    res,
    fault: deps.faults.get('session.close'),
    handle: async () => {
      const verification = await verify(deps, req, res);
      if (verification.outcome !== 'active')
        return rejection(verification) ?? jsonReply(401, { error: 'invalid_token' });
      if (deps.sessions.find(id, verification.sub) === undefined) return jsonReply(404, { error: 'session_not_found' });
      deps.sessions.delete(id);
      return { status: 204 };
    },
  });
}

/** The SSE variant of the chat reply: one POST, the same events as the WebSocket, then the response ends. */
async function streamMessage(deps: BackendDeps, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const body = parseJsonObject(await readBody(req));
  const verification = await verify(deps, req, res);
  const rejected = rejection(verification);
  if (rejected !== undefined || verification.outcome !== 'active')
    return sendReply(res, rejected ?? jsonReply(401, {}));
  if (deps.sessions.find(id, verification.sub) === undefined)
    return sendReply(res, jsonReply(404, { error: 'session_not_found' }));
  const { nonce, content } = body;
  if (typeof nonce !== 'string' || nonce === '' || typeof content !== 'string') {
    return sendReply(
      res,
      jsonReply(400, { error: 'invalid_request', message: 'nonce and content are required strings' }),
    );
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const sink = sseSink(res);
  await runChatExchange(
    sink,
    { nonce, content },
    { faults: deps.faults, replyDeltas: deps.replyDeltas, signal: deps.faultContext.signal },
  );
}

function sseSink(res: ServerResponse): ChatSink {
  return {
    get open() {
      return !res.destroyed && !res.writableEnded;
    },
    send(event: ChatEvent) {
      if (this.open) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    },
    sendRaw(text: string) {
      if (this.open) res.write(`data: ${text}\n\n`);
    },
    abort() {
      // Destroying (not ending) leaves the chunked body unterminated: the client sees the stream cut.
      res.destroy();
    },
    finish() {
      if (this.open) res.end();
    },
  };
}
