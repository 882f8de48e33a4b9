/**
 * The `Host` check: a page on evil.example whose name was rebound to 127.0.0.1 (DNS rebinding) reaches the daemon
 * with `Host: evil.example`; answering it would hand that page the status page, results and screenshots. Pure
 * functions, tested as a table.
 */

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Addresses that mean "every interface": binding one of them publishes the server. */
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** The name a `Host` header carries, lowercased, without port or IPv6 brackets; undefined when malformed. */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 1 ? h.slice(1, end) : undefined;
  }
  const name = h.split(':')[0] ?? '';
  return /^[a-z0-9._-]+$/.test(name) ? name.replace(/\.$/, '') : undefined;
}

/** The default allowlist: loopback names, the bound address (unless a wildcard) and `publicUrl`'s host. */
export function defaultAllowedHosts(bindHost: string, publicUrl?: string): string[] {
  const hosts = [...LOOPBACK_NAMES];
  const bound = hostName(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost);
  if (bound !== undefined && !WILDCARDS.has(bindHost)) hosts.push(bound);
  if (publicUrl !== undefined) {
    const fromUrl = hostName(new URL(publicUrl).host);
    if (fromUrl !== undefined) hosts.push(fromUrl);
  }
  return [...new Set(hosts)];
}

/** Whether `header` names an allowed host: exact names, `.suffix` for subdomains, `*` for any. */
export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  const name = hostName(header);
  if (name === undefined) return false;
  return allowed.some((entry) => {
    const a = entry.toLowerCase();
    return a.startsWith('.') ? name.endsWith(a) || name === a.slice(1) : name === a;
  });
}

/** A bind address reachable only from this machine. */
export function isLoopback(bindHost: string): boolean {
  const h = bindHost.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
