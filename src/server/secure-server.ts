import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { resolve } from 'node:path';
import { envRefName } from '../config/env-refs.js';
import type { ServerSecurityConfig } from '../config/server-config.js';
import { Credentials } from './credentials.js';
import { defaultAllowedHosts, hostAllowed, hostName, isLoopback } from './host-allowlist.js';
import { readKeyPair, watchKeyPair } from './tls-files.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface SecureServerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SecureServer {
  server: Server;
  /** Set when the server is reachable from other machines and nothing asks for credentials. */
  exposure: string | undefined;
}

/** Paths an orchestrator probes; with `auth.openHealth` they answer without credentials. */
const HEALTH_PATHS = new Set(['/healthz', '/livez']);

/**
 * Sent on every answer, errors included: the endpoints are never framed (clickjacking a status page), never
 * sniffed into another type, and leak no referrer. A handler's own CSP (the status page's) adds its rules.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The daemon's HTTP(S) server as `server` configures it: TLS from files (reloaded), the `Host` allowlist, auth,
 * the security headers and the connection limits; `handler` sees only requests that passed all of them.
 * `env` resolves the bearer token's `${env:NAME}` (validated before start-up, so a missing one is a bug here).
 */
export function createSecureServer(
  config: ServerSecurityConfig,
  handler: Handler,
  options: { env: NodeJS.ProcessEnv; log: SecureServerLog; cwd?: string },
): SecureServer {
  const allowed = config.allowedHosts ?? defaultAllowedHosts(config.host, config.publicUrl);
  const tokenVar = config.auth?.bearerToken === undefined ? undefined : envRefName(config.auth.bearerToken);
  const credentials =
    config.auth === undefined
      ? undefined
      : new Credentials({
          basicUsers: config.auth.basicUsers,
          bearerToken: tokenVar === undefined ? undefined : options.env[tokenVar],
        });
  const openHealth = config.auth?.openHealth ?? true;

  const guarded: Handler = (req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (!hostAllowed(req.headers.host, allowed)) {
      const shown = hostName(req.headers.host) ?? '(none)';
      return refuse(res, 421, `misdirected request: Host ${shown} is not served here (server.allowedHosts)\n`);
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (credentials === undefined || (openHealth && HEALTH_PATHS.has(path))) return handler(req, res);
    credentials.check(req).then(
      (verdict) => {
        if (verdict === 'ok') return handler(req, res);
        res.setHeader('www-authenticate', credentials.challenges());
        refuse(res, 401, verdict === 'missing' ? 'credentials required\n' : 'wrong credentials\n');
      },
      () => refuse(res, 500, 'internal error\n'),
    );
  };

  const timeouts = {
    // Node refuses a headers timeout above the request timeout.
    headersTimeout: Math.min(config.headersTimeoutMs, config.requestTimeoutMs),
    requestTimeout: config.requestTimeoutMs,
    // Node checks both timeouts on this interval (30 s by default): a short timeout needs a short interval.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(config.headersTimeoutMs / 2))),
    // Scrapers and browsers keep connections open; they must not hold the daemon up at shutdown.
    keepAliveTimeout: 5_000,
  };
  let server: Server;
  if (config.tls === undefined) server = createHttpServer(timeouts, guarded);
  else {
    const cwd = options.cwd ?? process.cwd();
    const files = {
      certFile: resolve(cwd, config.tls.certFile),
      keyFile: resolve(cwd, config.tls.keyFile),
      reloadIntervalMs: config.tls.reloadIntervalMs,
    };
    const tls = createHttpsServer({ ...timeouts, ...readKeyPair(files) }, guarded);
    const stop = watchKeyPair(tls, files, options.log);
    tls.once('close', stop);
    server = tls as unknown as Server;
  }
  server.maxConnections = config.maxConnections;

  const exposure =
    credentials === undefined && !isLoopback(config.host)
      ? `the server listens on ${config.host} (not loopback) without authentication: anyone who can reach it reads results and screenshots; set server.auth`
      : undefined;
  if (exposure !== undefined) options.log.warn({ host: config.host }, `server/unauthenticated: ${exposure}`);
  return { server, exposure };
}

function refuse(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
