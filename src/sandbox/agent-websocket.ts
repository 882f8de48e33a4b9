import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { agentFrame, runAgentExchange, type AgentMessage, type AgentSink } from './agent-exchange.js';
import { faultedUpgrade, rejectUpgrade, type UpgradeRoute } from './chat-websocket.js';
import type { FaultStore } from './fault-controller.js';
import { rejection, type TokenVerifier } from './token-verifier.js';

export interface AgentSocketDeps {
  verifier: TokenVerifier;
  faults: FaultStore;
  signal: AbortSignal;
}

export const AGENT_PATH = '/agent/ws';
/**
 * The seed platform's handshake: the client offers `Sec-WebSocket-Protocol: jwt-auth, jwt.<token>`, the server
 * selects `jwt-auth` and never echoes the token. No Authorization header and no query token: this endpoint speaks
 * only the dialect, so a client that gets it wrong is refused rather than quietly let in another way.
 */
export const AGENT_SUBPROTOCOL = 'jwt-auth';
const JWT_PROTOCOL_PREFIX = 'jwt.';

export interface AgentEndpoint {
  route: UpgradeRoute;
  wss: WebSocketServer;
}

export function agentEndpoint(deps: AgentSocketDeps): AgentEndpoint {
  const requestIds = new WeakMap<IncomingMessage, string>();
  // agent.connect=noecho: the upgrade succeeds but selects no subprotocol, which a browser (and `ws`) must refuse.
  const noEcho = new WeakSet<IncomingMessage>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols, req) =>
      protocols.has(AGENT_SUBPROTOCOL) && !noEcho.has(req) ? AGENT_SUBPROTOCOL : false,
  });
  wss.on('headers', (headers, req) => headers.push(`x-request-id: ${requestIds.get(req) ?? ''}`));
  const route: UpgradeRoute = async (req, socket, head, requestId) => {
    requestIds.set(req, requestId);
    const fault = deps.faults.get('agent.connect');
    if (await faultedUpgrade(fault, socket, requestId, deps.signal)) return;
    if (fault?.effect === 'noecho') noEcho.add(req);
    const offered = offeredProtocols(req);
    if (!offered.includes(AGENT_SUBPROTOCOL)) {
      return rejectUpgrade(
        socket,
        400,
        { error: 'subprotocol_required', message: `offer the "${AGENT_SUBPROTOCOL}" subprotocol` },
        requestId,
      );
    }
    const verification = await deps.verifier.verify(jwtFromProtocols(offered), requestId);
    const rejected = rejection(verification);
    if (rejected !== undefined || verification.outcome !== 'active') {
      return rejectUpgrade(socket, rejected?.status ?? 401, JSON.parse(rejected?.body ?? '{}'), requestId);
    }
    if (socket.destroyed) return;
    const userId = verification.sub;
    wss.handleUpgrade(req, socket, head, (ws) => converse(deps, ws, userId));
  };
  return { route, wss };
}

function converse(deps: AgentSocketDeps, ws: WebSocket, userId: string): void {
  ws.on('error', () => ws.terminate());
  ws.send(JSON.stringify(agentFrame('connection_established', { connection_id: randomUUID(), user_id: userId })));
  const sink: AgentSink = {
    get open() {
      return ws.readyState === WebSocket.OPEN;
    },
    send: (frame) => {
      if (sink.open) ws.send(JSON.stringify(frame));
    },
    abort: () => ws.close(1011, 'injected fault'),
  };
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const message = isBinary ? undefined : userMessage(rawText(data));
    if (message === undefined) {
      sink.send(
        agentFrame('error', {
          error: 'bad_message',
          message: 'expected {"type":"user_message","payload":{"message_id","content"}}',
        }),
      );
      return;
    }
    void runAgentExchange(sink, message, { faults: deps.faults, signal: deps.signal });
  });
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

/** `{"type":"user_message","payload":{"message_id":"…","content":"…"}}`, or undefined for anything else. */
export function userMessage(text: string): AgentMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, payload } = value as Record<string, unknown>;
  if (type !== 'user_message' || typeof payload !== 'object' || payload === null) return undefined;
  const { message_id: messageId, content } = payload as Record<string, unknown>;
  if (typeof messageId !== 'string' || messageId === '' || typeof content !== 'string') return undefined;
  return { messageId, content };
}

function offeredProtocols(req: IncomingMessage): string[] {
  const offered = req.headers['sec-websocket-protocol'];
  if (typeof offered !== 'string') return [];
  return offered.split(',').map((p) => p.trim());
}

export function jwtFromProtocols(offered: readonly string[]): string | undefined {
  return offered.find((p) => p.startsWith(JWT_PROTOCOL_PREFIX))?.slice(JWT_PROTOCOL_PREFIX.length);
}

/** Closes every agent connection (sandbox shutdown). */
export function closeAgentEndpoint(endpoint: AgentEndpoint): void {
  for (const client of endpoint.wss.clients) client.terminate();
  endpoint.wss.close();
}
