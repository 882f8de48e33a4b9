import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as TlsServer } from 'node:tls';
import { ServerConfigSchema } from '../config/daemon-config.js';
import type { ServerSecurityConfig } from '../config/server-config.js';
import { createSecureServer } from '../server/secure-server.js';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { ProberMetrics } from '../report/metrics.js';
import { buildStatusModel, type ModelOptions } from '../report/status-page/page-model.js';
import { renderStatusPage } from '../report/status-page/render-page.js';
import type { StoreHealth } from '../store/resilient-store.js';
import type { StateStore } from '../store/state-store.js';
import type { QuarantinedJourney } from './quarantine-wiring.js';
import type { TickMonitor } from './tick-monitor.js';
import { ARTIFACTS_PREFIX, resolveArtifact, sendArtifact } from './artifact-files.js';
import { stat } from 'node:fs/promises';

export interface EndpointDeps {
  store: StateStore;
  /** The store's health: a store that cannot be written turns /healthz 503 (probing goes on; results are held). */
  storeHealth?: () => StoreHealth;
  metrics: ProberMetrics;
  monitor: TickMonitor;
  log: Logger;
  /** True once shutdown began: /healthz answers 503 so a load balancer stops sending traffic. */
  stopping: () => boolean;
  /** Journeys quarantined for blocking the event loop: /healthz answers 503 until they are fixed or cleared. */
  quarantined?: () => readonly QuarantinedJourney[];
  page: Omit<ModelOptions, 'now'>;
  /** `browser.artifactsDir` (absolute): screenshots and traces served under /artifacts/. */
  artifactsDir?: string | undefined;
  /** The `server` config section: TLS, auth, Host allowlist, timeouts. @defaultValue the schema's defaults (loopback) */
  server?: ServerSecurityConfig | undefined;
  /** Where `server.auth.bearerToken`'s `${env:NAME}` is read. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
}

const MAX_LIMIT = 1_000;
/** The page carries no script, loads nothing and is never framed: the browser enforces that too. */
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The daemon's endpoints: `/healthz`, `/livez`, `/metrics`, `/api/results?journey=&limit=` and `/` (the status page). */
export function createEndpointServer(deps: EndpointDeps): Server {
  const { server, exposure } = createSecureServer(
    deps.server ?? ServerConfigSchema.parse({}),
    (req, res) => {
      handle(req, res, deps, exposure).catch((err: unknown) => {
        deps.log.error(
          { url: req.url?.split('?')[0], err: err instanceof Error ? err.message : String(err) },
          'http/error',
        );
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
        else res.destroy();
      });
    },
    { env: deps.env ?? process.env, log: deps.log },
  );
  return server;
}

export async function listen(server: Server, host: string, port: number): Promise<string> {
  server.listen(port, host);
  await once(server, 'listening');
  const { address, port: bound } = server.address() as AddressInfo;
  const scheme = server instanceof TlsServer ? 'https' : 'http';
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${bound}`;
}

export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = once(server, 'close');
  server.close();
  server.closeAllConnections();
  await closed;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  deps: EndpointDeps,
  exposure: string | undefined,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  if (url.pathname.startsWith(ARTIFACTS_PREFIX) && deps.artifactsDir !== undefined) {
    const file = await resolveArtifact(deps.artifactsDir, url.pathname.slice(ARTIFACTS_PREFIX.length));
    if (file === undefined) return send(res, 404, 'text/plain; charset=utf-8', 'no such artifact\n');
    return sendArtifact(res, file, (await stat(file)).size);
  }
  switch (url.pathname) {
    case '/healthz': {
      const stalled = deps.monitor.stalled();
      const store = deps.storeHealth?.();
      const quarantined = deps.quarantined?.() ?? [];
      const status = deps.stopping()
        ? 'stopping'
        : stalled.length > 0
          ? 'stalled'
          : store?.ok === false
            ? 'store-failing'
            : quarantined.length > 0
              ? 'quarantined'
              : 'ok';
      const body = {
        status,
        stalled,
        ...(store === undefined ? {} : { store }),
        ...(quarantined.length === 0 ? {} : { quarantined }),
        journeys: deps.monitor.snapshot(),
      };
      return send(res, status === 'ok' ? 200 : 503, 'application/json', `${JSON.stringify(body)}\n`);
    }
    case '/livez': {
      // Liveness is only what a restart cures: a stalled scheduler. A failing store (probing goes on) or a
      // quarantined journey (it comes back quarantined) keep /healthz 503 but must not restart the daemon in a loop.
      const stalled = deps.monitor.stalled();
      return send(
        res,
        stalled.length === 0 ? 200 : 503,
        'application/json',
        `${JSON.stringify({ status: stalled.length === 0 ? 'ok' : 'stalled', stalled })}\n`,
      );
    }
    case '/metrics':
      return send(res, 200, deps.metrics.contentType(), await deps.metrics.render());
    case '/api/results': {
      const limitText = url.searchParams.get('limit') ?? '20';
      const limit = Number(limitText);
      if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) {
        return send(
          res,
          400,
          'application/json',
          `${JSON.stringify({ error: `limit must be an integer from 1 to ${MAX_LIMIT}` })}\n`,
        );
      }
      const journey = url.searchParams.get('journey') ?? undefined;
      const runs = await deps.store.listRuns({ journey: journey === '' ? undefined : journey, limit });
      return send(res, 200, 'application/json', `${JSON.stringify(runs)}\n`);
    }
    case '/': {
      const html = renderStatusPage(await buildStatusModel(deps.store, { ...deps.page, exposure }));
      res.setHeader('content-security-policy', PAGE_CSP);
      return send(res, 200, 'text/html; charset=utf-8', html);
    }
    default:
      return send(res, 404, 'text/plain; charset=utf-8', 'not found: try /, /healthz, /metrics or /api/results\n');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
