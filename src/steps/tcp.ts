import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { StepFailure } from '../journey/errors.js';
import type { StepKind, StepKindSettings, StepScope } from '../journey/step-ports.js';

/** What `ctx.tcp.connect` saw: the connection was accepted (and, with `tls`, the handshake verified). */
export interface TcpConnection {
  readonly remoteAddress: string;
  /** Until the TCP connection (or, with `tls`, the verified handshake) was established. */
  readonly connectMs: number;
  /** With `tls: true`: the negotiated protocol and the peer certificate's expiry, for an expiry check. */
  readonly tls?: { readonly protocol: string; readonly validTo: string; readonly daysLeft: number };
}

export interface TcpConnectOptions {
  /** Verify a TLS handshake too (certificate, host name), with the config's `tls` settings for the URL's origin. */
  tls?: boolean;
}

/**
 * `ctx.tcp`: is a port accepting connections (a database, SMTP, a broker)? Connects under the step deadline, closes
 * at once, and fails like the other kinds: refused or unresolvable → `network`, TLS verification → `network` with
 * the certificate's problem, the deadline → `timeout`.
 */
export interface TcpClient {
  /** `target` is a URL (`postgres://db:5432`, `ctx.target('db')`) or `host:port`; http(s)/ws(s) URLs may omit the port. */
  connect(target: string, options?: TcpConnectOptions): Promise<TcpConnection>;
}

declare module '../journey/step-ports.js' {
  interface StepClients {
    readonly tcp: TcpClient;
  }
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'ws:': 80, 'https:': 443, 'wss:': 443 };
const DAY_MS = 86_400_000;

export const tcpKind: StepKind<'tcp'> = {
  name: 'tcp',
  forJourney: (_resources, settings) => (scope) => ({
    connect: (target, options) => connectOnce(scope, settings, target, options),
  }),
};

function endpoint(target: string): { host: string; port: number; url: string } {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `tcp://${target}`);
  } catch {
    throw new StepFailure('prober', `ctx.tcp.connect(): "${target}" is neither a URL nor host:port`);
  }
  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  if (port === undefined)
    throw new StepFailure('prober', `ctx.tcp.connect(): ${url.protocol}//${url.hostname} has no port; write host:port`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, url: `https://${url.host}${url.port === '' ? `:${port}` : ''}` };
}

async function connectOnce(
  scope: StepScope,
  settings: StepKindSettings,
  target: string,
  options: TcpConnectOptions = {},
): Promise<TcpConnection> {
  const { host, port, url } = endpoint(target);
  const t0 = performance.now();
  const socket: Socket | TLSSocket = options.tls
    ? tlsConnect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, ...settings.tlsFor?.(url) })
    : new Socket().connect({ host, port });
  const onAbort = () => socket.destroy(scope.abort.reason instanceof Error ? scope.abort.reason : undefined);
  scope.abort.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
      socket.once('close', () =>
        reject(scope.abort.reason ?? new StepFailure('network', `${host}:${port} closed the connection`)),
      );
    });
    const connectMs = Math.round((performance.now() - t0) * 10) / 10;
    const remoteAddress = socket.remoteAddress ?? host;
    if (!options.tls) return { remoteAddress, connectMs };
    const tls = socket as TLSSocket;
    const validTo = new Date(tls.getPeerCertificate().valid_to);
    return {
      remoteAddress,
      connectMs,
      tls: {
        protocol: tls.getProtocol() ?? 'unknown',
        validTo: validTo.toISOString(),
        daysLeft: Math.floor((validTo.getTime() - Date.now()) / DAY_MS),
      },
    };
  } finally {
    scope.abort.removeEventListener('abort', onAbort);
    socket.destroy();
  }
}
