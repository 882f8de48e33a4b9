import type { IncomingMessage, Server } from 'node:http';
import { AuthStore } from './auth-store.js';
import { createAuthServer } from './auth-service.js';
import { TokenIssuer } from './auth-tokens.js';
import { createBackendServer } from './backend-service.js';
import { ChatSessions, type ChatSession } from './chat-sessions.js';
import { AGENT_PATH, agentEndpoint, closeAgentEndpoint } from './agent-websocket.js';
import { attachChatWebSocket } from './chat-websocket.js';
import { createControlServer } from './control-service.js';
import { REFUSE_STEP_BY_SERVICE, type SandboxService } from './fault-catalog.js';
import { FaultStore, type FaultController } from './fault-controller.js';
import { ServiceListener } from './service-listener.js';
import { ServiceVersions } from './service-versions.js';
import { TokenVerifier } from './token-verifier.js';
import { createWebServer } from './web-service.js';

export interface SandboxOptions {
  /** 0 (default) = each service on a random free port; N = auth N+1, backend N+2, web N+3, control N. */
  basePort?: number;
  /** "STEP=EFFECT" specs applied at start. */
  faults?: string[];
  /** Seeded into auth_users. Omitted: one user, probe@sandbox.test / sandbox-password (what `prober sandbox` serves). */
  users?: { email: string; password: string }[];
  versions?: Partial<Record<SandboxService, string>>;
  /** A deploy in progress: the service reports its version from `versions` until `afterMs`, then `to`. */
  rollout?: Partial<Record<SandboxService, { to: string; afterMs: number }>>;
  tokenTtlSec?: number;
  /** The `drip` effect writes one byte per interval. */
  dripIntervalMs?: number;
  /** Number of agent_delta events in a reply. */
  replyDeltas?: number;
}

export interface SandboxUrls {
  auth: string;
  backend: string;
  web: string;
  control: string;
}

export interface ReceivedTraceparent {
  service: SandboxService;
  path: string;
  traceparent: string;
}

export interface Sandbox {
  urls: SandboxUrls;
  faults: FaultController;
  tables(): string[];
  chatSessions(): ChatSession[];
  /** The `traceparent` header of each request the services received, oldest first (the last 1000). */
  traceparents(): ReceivedTraceparent[];
  /** What /version reports from now on (a deploy finishing). */
  setVersion(service: SandboxService, version: string): void;
  close(): Promise<void>;
}

const DEFAULT_USERS = [{ email: 'probe@sandbox.test', password: 'sandbox-password' }];
const PORT_OFFSETS: Record<keyof SandboxUrls, number> = { control: 0, auth: 1, backend: 2, web: 3 };

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const basePort = opts.basePort ?? 0;
  if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65532)
    throw new RangeError(`basePort must be 0..65532, got ${basePort}`);
  const faults = new FaultStore();
  // Bad specs fail here, before any port is opened.
  for (const spec of opts.faults ?? []) faults.set(spec);

  const lifecycle = new AbortController();
  const faultContext = {
    signal: lifecycle.signal,
    dripIntervalMs: positive(opts.dripIntervalMs, 500, 'dripIntervalMs'),
  };
  const urls: SandboxUrls = { auth: '', backend: '', web: '', control: '' };
  const versions = new ServiceVersions(opts.versions, opts.rollout);
  const services = createServices(opts, { faults, faultContext, urls, versions });
  const traceparents = recordTraceparents(services.servers);
  const listeners = Object.fromEntries(
    Object.entries(services.servers).map(([name, server]) => [name, new ServiceListener(server)]),
  ) as Record<keyof SandboxUrls, ServiceListener>;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      lifecycle.abort();
      versions.stop();
      services.closeSockets();
      await Promise.all(Object.values(listeners).map((listener) => listener.close()));
      await services.verifier.close();
      services.store.close();
    })());

  try {
    for (const name of Object.keys(listeners) as (keyof SandboxUrls)[]) {
      await listeners[name].listen(basePort === 0 ? 0 : basePort + PORT_OFFSETS[name]);
      urls[name] = listeners[name].url;
    }
  } catch (err) {
    await close();
    throw err;
  }

  // `refuse` is the one fault that is not per request: it closes (and later re-opens) a whole port.
  const applyRefusals = async (): Promise<void> => {
    await Promise.all(
      (Object.entries(REFUSE_STEP_BY_SERVICE) as [SandboxService, string][]).map(([service, step]) =>
        listeners[service].setRefused(faults.peek(step)?.effect === 'refuse'),
      ),
    );
  };
  faults.onChange(applyRefusals);
  await applyRefusals();

  return {
    urls: { ...urls },
    faults,
    tables: () => services.store.tables(),
    chatSessions: () => services.sessions.list(),
    traceparents: () => [...traceparents],
    setVersion: (service, v) => versions.set(service, v),
    close,
  };
}

/** What the services share, built before any of them listens. */
interface Shared {
  faults: FaultStore;
  faultContext: { signal: AbortSignal; dripIntervalMs: number };
  urls: SandboxUrls;
  versions: ServiceVersions;
}

/**
 * The four services, not listening yet, over one user store, one token verifier and one set of chat sessions;
 * `closeSockets` ends the WebSockets the backend's port carries.
 */
function createServices(opts: SandboxOptions, shared: Shared) {
  const { faults, faultContext, urls, versions } = shared;
  const replyDeltas = Math.max(0, Math.floor(opts.replyDeltas ?? 3));
  const store = new AuthStore();
  for (const user of opts.users ?? DEFAULT_USERS) store.addUser(user.email, user.password);
  const verifier = new TokenVerifier(() => urls.auth);
  const sessions = new ChatSessions();
  const backendServer = createBackendServer({
    sessions,
    verifier,
    faults,
    faultContext,
    version: versions.of('backend'),
    replyDeltas,
  });
  const signal = faultContext.signal;
  // The seed platform's agent dialect shares the backend port with the chat WebSocket, on its own path.
  const agent = agentEndpoint({ verifier, faults, signal });
  const wss = attachChatWebSocket(
    backendServer,
    { sessions, verifier, faults, replyDeltas, signal },
    new Map([[AGENT_PATH, agent.route]]),
  );
  const servers: Record<keyof SandboxUrls, Server> = {
    control: createControlServer(faults),
    auth: createAuthServer({
      store,
      tokens: new TokenIssuer(),
      faults,
      faultContext,
      version: versions.of('auth'),
      tokenTtlSec: positive(opts.tokenTtlSec, 900, 'tokenTtlSec'),
    }),
    backend: backendServer,
    web: createWebServer({ urls, faults, faultContext, version: versions.of('web') }),
  };
  const closeSockets = () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    closeAgentEndpoint(agent);
  };
  return { servers, store, verifier, sessions, closeSockets };
}

/** What a tracing backend would see: the traceparent of every request each service received (the last 1000). */
function recordTraceparents(servers: Record<keyof SandboxUrls, Server>): ReceivedTraceparent[] {
  const traceparents: ReceivedTraceparent[] = [];
  for (const service of ['auth', 'backend', 'web'] as const) {
    servers[service].on('request', (req: IncomingMessage) => {
      const header = req.headers.traceparent;
      if (typeof header !== 'string') return;
      traceparents.push({ service, path: (req.url ?? '/').split('?')[0] ?? '/', traceparent: header });
      if (traceparents.length > 1000) traceparents.shift();
    });
  }
  return traceparents;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
