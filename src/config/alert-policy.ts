import { z } from 'zod';

const Count = z.number().int().min(1);
const HOUR_MS = 3_600_000;
const LOCATION = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Location quorum (K of M): the journey's alert fires while at least `failing` locations are failing, each judged on
 * its own results by the streak rules above, and resolves when fewer are. What Checkly calls "alert when N of M
 * locations fail" and Datadog `min_location_failed`; a journey failing from one location only (that prober's
 * network) does not page.
 */
export const LocationQuorumSchema = z
  .object({
    /** K: locations that must be failing at once. */
    failing: Count,
    /** M: the locations that count (others' results are stored but ignored here). @defaultValue every location seen */
    of: z.array(z.string().regex(LOCATION, 'use letters, digits, ".", "_" or "-"')).min(1).optional(),
    /**
     * A location whose newest judged run is older than this counts neither way (its prober is dead or stuck).
     * @defaultValue 3 schedule intervals of the journey; 15 min when it has no schedule (`prober run`)
     */
    staleAfterMs: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const named = q.of === undefined ? undefined : new Set(q.of).size;
    if (named !== undefined && q.failing > named) {
      ctx.addIssue({
        code: 'custom',
        path: ['failing'],
        message: `${q.failing} locations can never fail at once: \`of\` names ${named}; lower failing or list more locations`,
      });
    }
  });
export type LocationQuorum = z.output<typeof LocationQuorumSchema>;

/**
 * How a stream of results becomes notifications. Defaults: two failed runs in a row fire, two
 * good runs in a row resolve, a reminder every 4 h while firing.
 */
export const AlertPolicySchema = z
  .object({
    /** Consecutive `fail` runs that fire the journey's alert. @defaultValue 2 */
    failureThreshold: Count.default(2),
    /** Consecutive `pass`/`degraded` runs that resolve it. @defaultValue 2 */
    successThreshold: Count.default(2),
    /**
     * N-of-M mode: fire when `failures` of the last `of` judged runs failed (replaces `failureThreshold`). It catches
     * a flapping journey that consecutive mode never fires for.
     */
    window: z
      .object({ failures: Count, of: Count.max(1000) })
      .strict()
      .refine((w) => w.failures <= w.of, { message: 'window.failures must not exceed window.of' })
      .optional(),
    /** Fire on "at least K of M locations failing" instead of on the interleaved results of all of them. */
    locations: LocationQuorumSchema.optional(),
    /** Reminder interval while firing; 0 turns reminders off. @defaultValue 4 h */
    repeatIntervalMs: z
      .number()
      .int()
      .min(0)
      .default(4 * HOUR_MS),
    /** Send `resolved` notifications. @defaultValue true */
    sendResolved: z.boolean().default(true),
    /** `degraded` runs (slow but working) fire a `warning` after `failureThreshold` in a row. @defaultValue false */
    notifyDegraded: z.boolean().default(false),
    /** Consecutive prober errors (status `error`, not `aborted`) of one journey that fire `prober:<environment>`. @defaultValue 3 */
    proberErrorThreshold: Count.default(3),
  })
  .strict();

export type AlertPolicy = z.output<typeof AlertPolicySchema>;

export const DEFAULT_POLICY: AlertPolicy = AlertPolicySchema.parse({});
