import { z } from 'zod';

/** Failure categories (contract). `prober` and `aborted` mean the prober could not judge; they yield status `error`. */
export const CATEGORIES = [
  'timeout',
  'network',
  'http_status',
  'auth',
  'contract',
  'assertion',
  'browser',
  'prober',
  'aborted',
] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const StepStatus = z.enum(['pass', 'degraded', 'fail', 'skipped', 'error']);
export type StepStatus = z.infer<typeof StepStatus>;

/** `flaky`: failed, then passed on a retry (`prober run --retries`); every attempt is kept in `attempts`. */
export const JourneyStatus = z.enum(['pass', 'degraded', 'flaky', 'fail', 'error']);
export type JourneyStatus = z.infer<typeof JourneyStatus>;

export const StepError = z
  .object({
    category: Category,
    message: z.string().min(1),
    httpStatus: z.number().int().optional(),
  })
  .strict();
export type StepError = z.infer<typeof StepError>;

/** One HTTP exchange as seen by the prober; URLs carry origin and path only, never a query string. */
export const HttpEvidence = z
  .object({
    method: z.string(),
    url: z.string(),
    status: z.number().int().optional(),
    requestId: z.string().optional(),
    /**
     * The request went over a connection an earlier request of the same journey run opened (its `connectMs` is 0).
     * Each journey run starts with no connections, so its first request to an origin always measures the connect.
     */
    reused: z.boolean().optional(),
    timings: z
      .object({
        connectMs: z.number().nonnegative().optional(),
        headersMs: z.number().nonnegative().optional(),
        bodyMs: z.number().nonnegative().optional(),
      })
      .strict(),
  })
  .strict();
export type HttpEvidence = z.infer<typeof HttpEvidence>;

/** One socket a failed step opened or wrote on, as the prober saw it on the wire (see docs/bring-your-own-client.md). */
export const SocketEvidence = z
  .object({
    remote: z.string(),
    localPort: z.number().int().positive().optional(),
    tls: z.boolean(),
    reused: z.boolean(),
    connectMs: z.number().nonnegative().optional(),
    tlsMs: z.number().nonnegative().optional(),
    firstByteMs: z.number().nonnegative().optional(),
    bytesIn: z.number().int().nonnegative(),
    bytesOut: z.number().int().nonnegative(),
    ended: z.enum([
      'open',
      'peer-closed',
      'reset',
      'refused',
      'tls-failed',
      'error',
      'closed',
      'destroyed-at-deadline',
    ]),
    reason: z.string().optional(),
  })
  .strict();
export type SocketEvidence = z.infer<typeof SocketEvidence>;

export const StepEvidence = z
  .object({
    traceId: z.string().regex(/^[0-9a-f]{32}$/),
    /** The step's span id: the parent id in the traceparent of each request it sent. */
    spanId: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .optional(),
    requestIds: z.array(z.string()).optional(),
    http: z.array(HttpEvidence).optional(),
    /** Named measurements a probe recorded, e.g. `firstDeltaMs`. */
    metrics: z.record(z.string(), z.number()).optional(),
    notes: z.array(z.string()).optional(),
    /** Milliseconds of the step's time the prober's own event loop was stalled (absent when none). */
    stallMs: z.number().nonnegative().optional(),
    /** A failed step's sockets: what the failure was judged from when the error itself did not say. */
    sockets: z.array(SocketEvidence).optional(),
  })
  .strict();
export type StepEvidence = z.infer<typeof StepEvidence>;

export const StepResult = z
  .object({
    name: z.string(),
    service: z.string(),
    status: StepStatus,
    startedAt: z.iso.datetime(),
    durationMs: z.number().nonnegative(),
    budgetMs: z.number().positive().optional(),
    timeoutMs: z.number().positive(),
    always: z.boolean().optional(),
    /** Where the step is defined, e.g. `probes/golden-path-api.ts:42`. */
    location: z.string().optional(),
    error: StepError.optional(),
    /** Why a step was skipped (a previous failure, or the step chose to skip). */
    skipReason: z.string().optional(),
    evidence: StepEvidence.optional(),
    artifacts: z.array(z.string()).optional(),
  })
  .strict();
export type StepResult = z.infer<typeof StepResult>;

export const Failure = z
  .object({
    step: z.string(),
    service: z.string(),
    category: Category,
    message: z.string(),
  })
  .strict();
export type Failure = z.infer<typeof Failure>;

export const JourneyResult = z
  .object({
    journey: z.string(),
    description: z.string(),
    status: JourneyStatus,
    startedAt: z.iso.datetime(),
    durationMs: z.number().nonnegative(),
    budgetMs: z.number().positive().optional(),
    verdict: z.string().min(1),
    failure: Failure.optional(),
    steps: z.array(StepResult),
    /** Earlier attempts when the journey was retried (`--retries`), oldest first; the fields above are the last attempt's. */
    attempts: z.array(z.lazy(() => JourneyAttempt)).optional(),
    /**
     * What went wrong around the verdict without changing it: a deferred cleanup abandoned at its bound, a journey
     * run recorded as ended at its deadline plus grace.
     */
    warnings: z.array(z.string()).optional(),
    /** Cleanup of leftovers from earlier (killed) runs; never part of the verdict. */
    janitor: z
      .object({ status: StepStatus, deleted: z.number().int().nonnegative().optional(), error: StepError.optional() })
      .strict()
      .optional(),
  })
  .strict();
export type JourneyResult = z.infer<typeof JourneyResult>;

export const JourneyAttempt = z
  .object({
    status: JourneyStatus,
    startedAt: z.iso.datetime(),
    durationMs: z.number().nonnegative(),
    verdict: z.string().min(1),
    failure: Failure.optional(),
    steps: z.array(StepResult),
  })
  .strict();
export type JourneyAttempt = z.infer<typeof JourneyAttempt>;
export type JanitorResult = NonNullable<JourneyResult['janitor']>;

export const Summary = z
  .object({
    journeys: z.number().int().nonnegative(),
    passed: z.number().int().nonnegative(),
    degraded: z.number().int().nonnegative(),
    flaky: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    errored: z.number().int().nonnegative(),
  })
  .strict();
export type Summary = z.infer<typeof Summary>;

export const RUN_SCHEMA = 'prober.run/v1' as const;

export const RunResult = z
  .object({
    schema: z.literal(RUN_SCHEMA),
    runId: z.string().min(1),
    environment: z.string().min(1),
    /** Where the prober that produced this run stands (`location` in the config, `PROBER_LOCATION`, `--location`); absent: one unnamed location. */
    location: z.string().min(1).optional(),
    /** Fleet: the URL of the replica that wrote this run's screenshots and traces (it serves them at `/artifacts/`). */
    artifactsUrl: z.url({ protocol: /^https?$/ }).optional(),
    proberVersion: z.string(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    durationMs: z.number().nonnegative(),
    status: JourneyStatus,
    summary: Summary,
    /** What each target's version endpoint reported when the run started (a version string, or null if it could not say). */
    versions: z.record(z.string(), z.string().nullable()).optional(),
    journeys: z.array(JourneyResult),
  })
  .strict();
export type RunResult = z.infer<typeof RunResult>;
