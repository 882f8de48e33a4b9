import { Agent, request } from 'undici';
import type { VersionEndpoint } from '../config/version-endpoints.js';

export type { VersionEndpoint };

/** What a service says it runs, or why it could not say (never throws: versions are evidence, not a verdict). */
export type ObservedVersion = { version: string } | { unavailable: string };

/** Reads one version endpoint under a hard deadline, on a connection of its own. */
export async function readVersion(
  endpoint: VersionEndpoint,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<ObservedVersion> {
  const agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  try {
    const res = await request(endpoint.url, { headers, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return { unavailable: `HTTP ${res.statusCode}` };
    }
    const text = await res.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { unavailable: 'not JSON' };
    }
    const value =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[endpoint.field] : undefined;
    return typeof value === 'string' || typeof value === 'number'
      ? { version: String(value) }
      : { unavailable: `no "${endpoint.field}" field` };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { unavailable: typeof code === 'string' ? code : 'unreachable' };
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}

export async function readVersions(
  endpoints: Readonly<Record<string, VersionEndpoint>>,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<Record<string, ObservedVersion>> {
  const entries = await Promise.all(
    Object.entries(endpoints).map(async ([name, e]) => [name, await readVersion(e, timeoutMs, headers)] as const),
  );
  return Object.fromEntries(entries);
}
