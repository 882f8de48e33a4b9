import { z } from 'zod';
import { OtlpConfigSchema } from './otlp-config.js';
import { CronSchema } from './cron.js';
import { envRefString } from './env-refs.js';
import { SuitesConfigSchema } from './suite-config.js';
import { AlertsConfigSchema } from './alerts-config.js';
import { checkAlertExpiry } from './check-alert-expiry.js';
import { MAX_TIMER_MS } from './check-definitions.js';
import { checkScheduleBudgets, SchedulerConfigSchema, ServerConfigSchema, StoreConfigSchema } from './daemon-config.js';

const Ms = z.number().int().positive();
/** A timeout or budget: Node's timers cannot wait longer than 2^31 − 1 ms (a longer delay fires after 1 ms). */
const TimerMs = z
  .number()
  .int('must be a whole number of milliseconds')
  .positive('must be at least 1 ms')
  .max(
    MAX_TIMER_MS,
    `must be at most ${MAX_TIMER_MS} ms (2^31 − 1, about 24.8 days): Node's timers cannot wait longer`,
  );

export const StepOverrideSchema = z
  .object({
    /** Hard deadline of the step in ms. */
    timeoutMs: TimerMs.optional(),
    /** Latency budget in ms; slower passes are `degraded`. */
    budgetMs: TimerMs.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.timeoutMs !== undefined && s.budgetMs !== undefined && s.budgetMs >= s.timeoutMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['budgetMs'],
        message: `budgetMs (${s.budgetMs}) must be below timeoutMs (${s.timeoutMs})`,
      });
    }
  });

export const JourneySettingsSchema = z
  .object({
    /** @defaultValue true */
    enabled: z.boolean().default(true),
    /** Cron expression (optional seconds field) for `prober schedule`. */
    schedule: CronSchema.optional(),
    /** Whole-journey deadline in ms. @defaultValue the sum of its step timeouts */
    timeoutMs: TimerMs.optional(),
    budgetMs: TimerMs.optional(),
    steps: z.record(z.string(), StepOverrideSchema).default({}),
  })
  .strict();

export const BrowserConfigSchema = z
  .object({
    /** Chromium to launch. @defaultValue Playwright's own browser if installed, else /usr/bin/chromium */
    executablePath: z.string().min(1).optional(),
    headless: z.boolean().default(true),
    args: z.array(z.string()).default([]),
    /** Keep a Playwright trace (secrets scrubbed): of a failed journey, of every journey (`on`), or none. @defaultValue 'off' */
    trace: z.enum(['off', 'on-failure', 'on']).default('off'),
    /** Where screenshots and traces of failed steps go, as `<artifactsDir>/<runId>/`; relative to the working directory. @defaultValue 'artifacts' */
    artifactsDir: z.string().min(1).default('artifacts'),
    /** Run folders under `artifactsDir` older than this are deleted before each browser run. @defaultValue 72 */
    artifactRetentionHours: z.number().positive().default(72),
    /** Browser contexts (journey runs) open at once in one process; more wait their turn. @defaultValue two per core */
    maxContexts: z.number().int().positive().optional(),
  })
  .strict();
/** The `browser` section with its defaults applied, derived from the schema (an absent section means all defaults). */
export type BrowserSettings = z.output<typeof BrowserConfigSchema>;

export const ConfigSchema = z
  .object({
    /** Environment name, used in results and alert keys. */
    environment: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, ".", "_" or "-"'),
    /**
     * Where this prober stands (a region, a data centre), on every result, metric and alert. Usually set per
     * deployment with `PROBER_LOCATION` or `--location`, which override this. @defaultValue none (metrics say `default`)
     */
    location: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, ".", "_" or "-"')
      .optional(),
    /** Service name → base URL. Step `service` names must be keys here. */
    targets: z.record(z.string(), z.url({ protocol: /^(https?|wss?)$/, error: 'must be an absolute http(s):// URL' })),
    /** Globs of journey files, relative to the config file (none needed when `suites` names a Playwright suite). */
    probes: z.array(z.string().min(1)).default([]),
    /** Playwright Test suites run as journeys (docs/playwright-suites.md). */
    suites: SuitesConfigSchema,
    /** Name → `${env:NAME}` reference. Literal values are refused. */
    secrets: z
      .record(z.string(), envRefString('must be an ${env:NAME} reference; literal secrets are refused in config files'))
      .default({}),
    /** Non-secret values journeys read with `ctx.variable(name)`. */
    variables: z.record(z.string(), z.string()).default({}),
    /** Per-journey settings and overrides, by journey name. */
    journeys: z.record(z.string(), JourneySettingsSchema).default({}),
    http: z
      .object({
        /** Responses larger than this fail as `contract`. @defaultValue 10 MiB */
        maxBodyBytes: Ms.default(10 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
    /**
     * TLS per target name. Verification is always on; `ca` adds a trusted CA (PEM file, relative to the config
     * file); `insecure: true` turns verification off for that target only and is logged as a warning on every run.
     */
    tls: z
      .record(z.string(), z.object({ ca: z.string().min(1).optional(), insecure: z.boolean().default(false) }).strict())
      .default({}),
    /** Deletes synthetic leftovers (sessions of killed runs) after each passing journey and in `prober janitor`. */
    janitor: z
      .object({
        enabled: z.boolean().default(true),
        /** Only leftovers older than this are deleted, so concurrent probers' in-flight sessions survive. @defaultValue 10 min */
        olderThanMs: z.number().int().nonnegative().default(600_000),
      })
      .strict()
      .prefault({}),
    /**
     * Targets whose version is read before each run and recorded in the result (`--expect-version` waits for it).
     * Only targets listed here are asked (`{}` means `{ path: '/version', field: 'version' }`); none by default.
     */
    versions: z
      .record(
        z.string(),
        z
          .object({
            path: z.string().startsWith('/').default('/version'),
            field: z.string().min(1).default('version'),
            enabled: z.boolean().default(true),
          })
          .strict(),
      )
      .default({}),
    browser: BrowserConfigSchema.optional(),
    /** OpenTelemetry: OTLP/HTTP export of a span per journey run and per step. Off unless present. */
    otlp: OtlpConfigSchema.optional(),
    /** When and where to notify: policy, named channels (secrets as `${env:NAME}`), maintenance windows, delivery. */
    alerts: AlertsConfigSchema.prefault({}),
    /** Run history, alert state and outbox (`prober schedule`, `prober run --store`). @defaultValue `{ path: '.prober/state.db' }` */
    store: StoreConfigSchema,
    /** The daemon's HTTP endpoints: /healthz, /metrics, /api/results and the status page. @defaultValue 127.0.0.1:9470 */
    server: ServerConfigSchema,
    /** Scheduler-wide settings (start jitter, cleanup bound on shutdown). */
    scheduler: SchedulerConfigSchema,
  })
  .strict()
  // At least one journey (probes globs, suites, or journey objects handed to the API) is checked by validateConfig,
  // which alone knows what the API was handed.
  // A scheduled journey's timeout (+ start jitter) must be below its schedule interval: runs must not overlap.
  .superRefine(checkScheduleBudgets)
  // An open alert must reach Alertmanager again before its endsAt: journeys must run often enough to re-send it.
  .superRefine(checkAlertExpiry);

/** What a config file exports (defaults not yet applied). */
export type ProberConfigInput = z.input<typeof ConfigSchema>;
/** A validated config with defaults applied; secrets are still references. */
export type ProberConfig = z.output<typeof ConfigSchema>;
