import { join } from 'node:path';
import { resolveConfig, type LoadedConfig } from '../../src/config/load-config.js';
import { journey, step, type JourneyDefinition } from '../../src/journey/define.js';

/** The environment every cell probes; alert keys are `bench:j<n>`, the shared one `prober:bench`. */
export const ENVIRONMENT = 'bench';
/** Where the webhook channel's URL comes from (channel URLs are only ever `${env:…}` references). */
const HOOK_ENV = 'FLEET_BENCH_HOOK_URL';

/**
 * Run ids whose last step asks the target for `/fail` (a 500: the run fails). The driver decides per tick and
 * adds the run ids of the replicas that claim it; the step reads its own run's id, so the journey code is the
 * only thing that knows, as with a real failing target.
 */
export const failingRuns = new Set<string>();

/** Journeys j0..j(n-1), each `steps` real `http` steps (GET the no-op target), the last one failing when told. */
export function fleetJourneys(count: number, steps: number): JourneyDefinition[] {
  return Array.from({ length: count }, (_, n) =>
    journey({
      name: `j${n}`,
      description: 'a no-op request against the bench target',
      capability: 'Users can reach the bench target',
      steps: Array.from({ length: steps }, (_, s) =>
        step(`step${s}`, { service: 'api', timeoutMs: 5_000 }, async (ctx) => {
          const fail = s === steps - 1 && failingRuns.has(ctx.runId);
          await ctx.http.get(`${ctx.target('api')}${fail ? '/fail' : '/'}`);
        }),
      ),
    }),
  );
}

/**
 * The config a replica loads, through the validation pass every entry point uses: the journeys every minute,
 * a webhook channel at the no-op target, and a policy of 1 fail to fire and 1 pass to resolve, so every failing
 * run opens an incident and the next pass closes it (the most alert work a run can cause).
 */
export async function fleetConfig(targetUrl: string, journeys: readonly JourneyDefinition[]): Promise<LoadedConfig> {
  process.env[HOOK_ENV] = `${targetUrl}/hook`;
  const raw = {
    environment: ENVIRONMENT,
    targets: { api: targetUrl },
    janitor: { enabled: false },
    journeys: Object.fromEntries(journeys.map((j) => [j.name, { schedule: '* * * * *' }])),
    alerts: {
      channels: { hook: { type: 'webhook', url: `\${env:${HOOK_ENV}}` } },
      policy: { failureThreshold: 1, successThreshold: 1 },
    },
  };
  return resolveConfig(raw, join(process.cwd(), 'fleet-bench.config.ts'), { journeys });
}
