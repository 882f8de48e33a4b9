import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { ChatSessions } from './chat-sessions.js';
import { runChatExchange, type ChatSink } from './chat-exchange.js';
import type { FaultSpec } from './fault-catalog.js';
import type { FaultStore } from './fault-controller.js';
import { sleep } from './http-fault.js';
import { bearerToken, pathOf, requestIdFor } from './http-util.js';
import { rejection, type TokenVerifier } from './token-verifier.js';

export interface ChatSocketDeps {
  sessions: ChatSessions;
  verifier: TokenVerifier;
  faults: FaultStore;
  replyDeltas: number;
  signal: AbortSignal;
}

/** Another WebSocket endpoint on the same port (the agent dialect); it owns the upgrade from then on. */
export type UpgradeRoute = (req: IncomingMessage, socket: Duplex, head: Buffer, requestId: string) => Promise<void>;

/**
 * Browsers cannot set Authorization on a WebSocket, so the token may instead travel as a
 * subprotocol: the client offers ["chat.v1", "bearer.<token>"] and the server selects "chat.v1"
 * (never echoing the token back). Tokens in the query string are refused on purpose: URLs end up
 * in logs. Non-browser clients send `Authorization: Bearer <token>` and no subprotocol.
 */
export const CHAT_SUBPROTOCOL = 'chat.v1';
const BEARER_PROTOCOL_PREFIX = 'bearer.';

const INJECTED_STATUS: Record<string, number> = { http500: 500, http404: 404, http401: 401 };

export function attachChatWebSocket(
  server: Server,
  deps: ChatSocketDeps,
  routes: ReadonlyMap<string, UpgradeRoute> = new Map(),
): WebSocketServer {
  const requestIds = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(CHAT_SUBPROTOCOL) ? CHAT_SUBPROTOCOL : false),
  });
  wss.on('headers', (headers, req) => headers.push(`x-request-id: ${requestIds.get(req) ?? ''}`));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const requestId = requestIdFor(req);
    requestIds.set(req, requestId);
    // A client that gives up mid-handshake must not crash the sandbox with an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    const route = routes.get(pathOf(req).pathname);
    const upgraded =
      route === undefined ? upgrade(deps, wss, req, socket, head, requestId) : route(req, socket, head, requestId);
    upgraded.catch(() => rejectUpgrade(socket, 500, { error: 'internal' }, requestId));
  });
  return wss;
}

async function upgrade(
  deps: ChatSocketDeps,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  requestId: string,
): Promise<void> {
  const url = pathOf(req);
  if (url.pathname !== '/ws') return rejectUpgrade(socket, 404, { error: 'not_found' }, requestId);
  if (await faultedUpgrade(deps.faults.get('chat.connect'), socket, requestId, deps.signal)) return;

  const verification = await deps.verifier.verify(bearerToken(req) ?? protocolToken(req), requestId);
  const rejected = rejection(verification);
  if (rejected !== undefined || verification.outcome !== 'active') {
    return rejectUpgrade(socket, rejected?.status ?? 401, JSON.parse(rejected?.body ?? '{}'), requestId);
  }
  const sessionId = url.searchParams.get('session_id') ?? '';
  if (deps.sessions.find(sessionId, verification.sub) === undefined) {
    return rejectUpgrade(socket, 404, { error: 'session_not_found' }, requestId);
  }
  if (socket.destroyed) return;
  wss.handleUpgrade(req, socket, head, (ws) => converse(deps, ws, sessionId));
}

function converse(deps: ChatSocketDeps, ws: WebSocket, sessionId: string): void {
  ws.on('error', () => ws.terminate());
  ws.send(JSON.stringify({ type: 'ready', session_id: sessionId }));
  const sink: ChatSink = {
    get open() {
      return ws.readyState === WebSocket.OPEN;
    },
    send: (event) => {
      if (sink.open) ws.send(JSON.stringify(event));
    },
    sendRaw: (text) => {
      if (sink.open) ws.send(text);
    },
    abort: () => ws.close(1011, 'injected fault'),
    finish: () => undefined,
  };
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const message = isBinary ? undefined : userMessage(rawText(data));
    if (message === undefined) {
      ws.send(JSON.stringify({ type: 'error', error: 'bad_message' }));
      return;
    }
    void runChatExchange(sink, message, { faults: deps.faults, replyDeltas: deps.replyDeltas, signal: deps.signal });
  });
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

function userMessage(text: string): { nonce: string; content: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, nonce, content } = value as Record<string, unknown>;
  if (type !== 'user_message' || typeof nonce !== 'string' || nonce === '' || typeof content !== 'string')
    return undefined;
  return { nonce, content };
}

function protocolToken(req: IncomingMessage): string | undefined {
  const offered = req.headers['sec-websocket-protocol'];
  if (typeof offered !== 'string') return undefined;
  const bearer = offered
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX));
  return bearer?.slice(BEARER_PROTOCOL_PREFIX.length);
}

/**
 * Applies a connect fault (status, hang, reset, slow) to an upgrade request.
 * True when the fault has dealt with the request and the upgrade must go no further.
 */
export async function faultedUpgrade(
  fault: FaultSpec | undefined,
  socket: Duplex,
  requestId: string,
  signal: AbortSignal,
): Promise<boolean> {
  const injected = fault === undefined ? undefined : INJECTED_STATUS[fault.effect];
  if (injected !== undefined) {
    rejectUpgrade(socket, injected, { error: 'injected fault' }, requestId);
    return true;
  }
  if (fault?.effect === 'hang') return true;
  if (fault?.effect === 'reset') {
    resetSocket(socket);
    return true;
  }
  if (fault?.effect === 'slow') return !(await sleep(fault.arg ?? 0, signal));
  return false;
}

/** Answers the upgrade request with a plain HTTP error instead of switching protocols. */
export function rejectUpgrade(socket: Duplex, status: number, body: unknown, requestId: string): void {
  if (socket.destroyed || !socket.writable) return;
  const text = JSON.stringify(body);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\nx-request-id: ${requestId}\r\n\r\n${text}`,
  );
}

function resetSocket(socket: Duplex): void {
  const candidate = socket as Duplex & { resetAndDestroy?: () => void };
  if (typeof candidate.resetAndDestroy === 'function') candidate.resetAndDestroy();
  else socket.destroy();
}
