import { z } from 'zod';
import { scheduleBudgetProblem } from './check-schedule.js';
import { ENV_REF } from './env-refs.js';
import { serverSecurityShape } from './server-config.js';

/**
 * The config sections `prober schedule` reads (store, server, scheduler); `schema.ts` composes them into the config.
 * They live in config/ (not schedule/) so the config imports nothing above it.
 */

/** The default store location, relative to the working directory (ignored by git). */
export const DEFAULT_STORE_PATH = '.prober/state.db';

const Positive = z.number().int().positive();

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

export const StoreConfigSchema = z
  .object({
    /** SQLite file with run history, alert state and the outbox, relative to the working directory. @defaultValue `.prober/state.db` */
    path: z.string().min(1).default(DEFAULT_STORE_PATH),
    /**
     * A shared Postgres store for a fleet (replicas, locations): `postgres://user@host:5432/db`, or the whole URL as
     * an `${env:NAME}` reference when it carries a password (a literal password is refused). Wins over `path`.
     */
    url: z
      .string()
      .refine(
        (u) => ENV_REF.test(u) || /^postgres(ql)?:\/\//.test(u),
        'must be a postgres:// URL or an ${env:NAME} reference to one',
      )
      .refine(
        (u) => ENV_REF.test(u) || !hasPassword(u),
        'carries a password: put the whole URL in an environment variable and write ${env:NAME}',
      )
      .optional(),
    /** Runs older than this are deleted. @defaultValue 30 */
    retentionDays: Positive.default(30),
    /** At most this many runs are kept per journey (newest first). @defaultValue 20000 */
    maxRunsPerJourney: Positive.default(20_000),
  })
  .strict()
  .prefault({});

export const DEFAULT_SERVER_PORT = 9470;

export const ServerConfigSchema = z
  .object({
    /** Interface the daemon's HTTP endpoints bind to; loopback unless you mean to expose them. @defaultValue `127.0.0.1` */
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (printed at startup). @defaultValue 9470 */
    port: z.number().int().min(0).max(65_535).default(DEFAULT_SERVER_PORT),
    /** Seconds between status-page refreshes (`<meta http-equiv="refresh">`). @defaultValue 30 */
    refreshSeconds: Positive.default(30),
    /**
     * How other replicas and browsers reach this daemon (fleet), e.g. `http://prober-eu-1.prober:9470`; recorded in
     * every result as `artifactsUrl`, so any replica's status page links screenshots to the replica that holds them.
     * `PROBER_PUBLIC_URL` overrides it. @defaultValue none (links stay relative)
     */
    publicUrl: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s):// URL' }).optional(),
    ...serverSecurityShape,
  })
  .strict()
  .prefault({});

export const SchedulerConfigSchema = z
  .object({
    /**
     * Each run starts up to this many ms after its tick (node-cron `maxRandomDelay`), so journeys on the same
     * schedule do not hit the environment at the same instant. Counted against the interval. @defaultValue 1000
     */
    maxRandomDelayMs: z.number().int().min(0).default(1_000),
    /** Cleanup (`always`) steps of a run aborted by shutdown get at most this long. @defaultValue 3000 */
    cleanupOnShutdownMs: Positive.max(8_000).default(3_000),
  })
  .strict()
  .prefault({});

interface BudgetInput {
  journeys: Record<string, { schedule?: string | undefined; timeoutMs?: number | undefined }>;
  scheduler: { maxRandomDelayMs: number };
}

/**
 * A scheduled run must end before its next tick: journey timeout + start jitter < schedule interval. Checked here
 * for journeys whose config sets `timeoutMs`; the validation pass (config/check-schedule.ts) repeats it with the
 * journey's own default timeout once the journeys are loaded.
 */
export function checkScheduleBudgets(config: BudgetInput, ctx: z.RefinementCtx): void {
  for (const [name, j] of Object.entries(config.journeys)) {
    if (j.schedule === undefined || j.timeoutMs === undefined) continue;
    const problem = scheduleBudgetProblem(j.schedule, j.timeoutMs, config.scheduler.maxRandomDelayMs);
    if (problem !== undefined)
      ctx.addIssue({ code: 'custom', path: ['journeys', name, 'timeoutMs'], message: problem });
  }
}
