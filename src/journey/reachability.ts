/**
 * The port for the after-the-fact check of a step's service (is it accepting connections at all?) that judges an
 * error no code or wire record explains. The core names what it needs; the TCP connect is an adapter's
 * (`src/steps/tcp-reachability.ts`), handed in by whoever assembles the run. Without one, nothing is checked.
 */

export type Reachability =
  | { kind: 'reachable' }
  | { kind: 'refused'; code: string }
  | { kind: 'silent' }
  | { kind: 'unknown' };

export interface Endpoint {
  host: string;
  port: number;
}

/** Checks one endpoint, bounded by `timeoutMs`; never rejects. */
export type ReachabilityCheck = (endpoint: Endpoint, timeoutMs: number) => Promise<Reachability>;

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'ws:': 80, 'https:': 443, 'wss:': 443 };

/** host and port of a target URL, or undefined when it names no TCP endpoint we can check. */
export function endpointOf(url: string | undefined): Endpoint | undefined {
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
