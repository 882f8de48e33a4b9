import { readVersions, type ObservedVersion, type VersionEndpoint } from '../steps/version-probe.js';

export const VERSION_POLL_MS = 500;

export type GateOutcome =
  | { ok: true; observed: Record<string, ObservedVersion> }
  | { ok: false; message: string; observed: Record<string, ObservedVersion> };

/**
 * Before judging a deploy, waits until every named service reports the expected version, so a rollout still in
 * progress is never judged as the new build. Polls every 500 ms until `waitMs` has passed.
 */
export async function waitForVersions(
  expected: Readonly<Record<string, string>>,
  endpoints: Readonly<Record<string, VersionEndpoint>>,
  waitMs: number,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<GateOutcome> {
  const deadline = Date.now() + waitMs;
  const wanted = Object.fromEntries(Object.keys(expected).map((k) => [k, endpoints[k]!]));
  for (;;) {
    const left = deadline - Date.now();
    const observed = await readVersions(wanted, Math.max(100, Math.min(2_000, left)), headers);
    const behind = Object.entries(expected).filter(([svc, v]) => {
      const o = observed[svc];
      return o === undefined || !('version' in o) || o.version !== v;
    });
    if (behind.length === 0) return { ok: true, observed };
    if (Date.now() + VERSION_POLL_MS > deadline || signal?.aborted === true) {
      const what = behind
        .map(([svc, v]) => {
          const o = observed[svc];
          const seen = o === undefined ? 'nothing' : 'version' in o ? o.version : `no version (${o.unavailable})`;
          return `${svc} reports ${seen}, expected ${v}`;
        })
        .join('; ');
      return { ok: false, observed, message: `version gate: not live after ${waitMs} ms: ${what}` };
    }
    await new Promise((r) => setTimeout(r, VERSION_POLL_MS));
  }
}
