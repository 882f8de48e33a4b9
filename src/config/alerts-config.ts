import { z } from 'zod';
import { ChannelConfigSchema } from './alert-channels.js';
import { AlertPolicySchema } from './alert-policy.js';
import { CronSchema } from './cron.js';

/** Windows longer than a week are a silence, not maintenance; the bound also bounds the scan in alert/maintenance.ts. */
const MAX_DURATION_MS = 7 * 24 * 3_600_000;

export const MaintenanceWindowSchema = z
  .object({
    /** When a window opens (node-cron syntax, optional seconds field), e.g. `0 2 * * 0` = Sundays 02:00. */
    cron: CronSchema,
    /** How long it stays open. */
    durationMs: z.number().int().positive().max(MAX_DURATION_MS),
    /** IANA time zone of `cron`. @defaultValue the host's */
    timezone: z.string().min(1).optional(),
    /** Journeys it mutes. @defaultValue all */
    journeys: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>;

export const DeliverySchema = z
  .object({
    /** Deadline of one delivery attempt, the whole exchange included. @defaultValue 10000 */
    attemptTimeoutMs: z.number().int().positive().max(120_000).default(10_000),
    /** First retry delay; doubles per attempt, with full jitter. @defaultValue 1000 */
    initialBackoffMs: z.number().int().positive().default(1_000),
    /** Cap of the retry delay. @defaultValue 60000 */
    maxBackoffMs: z.number().int().positive().default(60_000),
    /** A notification not delivered by this age is dead-lettered (metric + error log). @defaultValue 24 h */
    maxAgeMs: z.number().int().positive().default(86_400_000),
    /** `prober run --store` delivers for at most this long before exiting; the rest goes with the next invocation. @defaultValue 5000 */
    flushMs: z.number().int().min(0).max(60_000).default(5_000),
  })
  .strict();
export type DeliverySettings = z.output<typeof DeliverySchema>;

/** The config's `alerts` section: when to notify (policy), where (named channels), and when to keep quiet. */
export const AlertsConfigSchema = z
  .object({
    policy: AlertPolicySchema.prefault({}),
    /** Name → channel; every notification goes to every channel. */
    channels: z
      .record(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, ".", "_" or "-"'),
        ChannelConfigSchema,
      )
      .default({}),
    /** Windows that mute notifications (state is still kept and caught up afterwards). */
    maintenance: z.array(MaintenanceWindowSchema).default([]),
    delivery: DeliverySchema.prefault({}),
  })
  .strict();
export type AlertsConfig = z.output<typeof AlertsConfigSchema>;
