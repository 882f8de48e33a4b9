import { z } from 'zod';

const Count = z.number().int().min(1);
const HOUR_MS = 3_600_000;

/**
 * How a stream of results becomes notifications. Defaults follow FAULTS §1: two failed runs in a row fire, two
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
    /** Reminder interval while firing; 0 turns reminders off. @defaultValue 4 h */
    repeatIntervalMs: z.number().int().min(0).default(4 * HOUR_MS),
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
