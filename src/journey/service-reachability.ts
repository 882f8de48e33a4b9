import { connect } from 'node:net';

export type Reachability =
  | { kind: 'reachable' }
  | { kind: 'refused'; code: string }
  | { kind: 'silent' }
  | { kind: 'unknown' };

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'ws:': 80, 'https:': 443, 'wss:': 443 };

/** host and port of a target URL, or undefined when it names no TCP endpoint we can check. */
export function endpointOf(url: string | undefined): { host: string; port: number } | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    const port = u.port === '' ? DEFAULT_PORTS[u.protocol] : Number(u.port);
    if (port === undefined || u.hostname === '') return undefined;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return undefined;
  }
}

/** One TCP connect, closed at once: does the service accept connections at all? Bounded by `timeoutMs`. */
export function checkReachable(endpoint: { host: string; port: number }, timeoutMs: number): Promise<Reachability> {
  return new Promise((resolve) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const done = (r: Reachability) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ kind: 'silent' }), timeoutMs);
    socket.once('connect', () => done({ kind: 'reachable' }));
    socket.once('error', (err: Error & { code?: string }) =>
      done(err.code === undefined ? { kind: 'unknown' } : { kind: 'refused', code: err.code }),
    );
  });
}
