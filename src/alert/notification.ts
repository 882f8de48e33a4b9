import { z } from 'zod';
import { Failure, JourneyStatus } from '../journey/result-schema.js';
import { LocationsSummary } from './policy-locations.js';

export const ALERT_SCHEMA = 'prober.alert/v1' as const;

export const AlertState = z.enum(['firing', 'resolved']);
export type AlertState = z.infer<typeof AlertState>;
export const Severity = z.enum(['critical', 'warning']);
export type Severity = z.infer<typeof Severity>;

/** The run that produced (or, for a reminder, refreshed) a notification. */
export const LastResult = z
  .object({
    runId: z.string(),
    status: JourneyStatus,
    startedAt: z.iso.datetime(),
    verdict: z.string(),
    failure: Failure.optional(),
  })
  .strict();
export type LastResult = z.infer<typeof LastResult>;

/**
 * The alert payload (**contract**, `prober.alert/v1`). `id` is the stable dedup key (`environment:journey`, or
 * `prober:environment` for the prober's own health); `deliveryId` is minted when the notification enters the outbox
 * and is the same on every retry. `failure` is the failure that opened the incident and stays the same while it
 * fires (receivers that key on it, such as Alertmanager labels, see one alert); `lastResult` is the newest run.
 */
export const AlertNotification = z
  .object({
    schema: z.literal(ALERT_SCHEMA),
    id: z.string().min(1),
    deliveryId: z.string().min(1),
    state: AlertState,
    severity: Severity,
    environment: z.string(),
    /** The location of the prober that sent it (fleet); absent for a prober given none. */
    location: z.string().optional(),
    /** Location quorum (`alerts.policy.locations`): which locations fail now, which pass, which went quiet. */
    locations: LocationsSummary.optional(),
    journey: z.string(),
    verdict: z.string(),
    failure: Failure.optional(),
    /** When the incident began (the first failing run of the streak that fired it). */
    since: z.iso.datetime(),
    /** On `resolved`: when it was judged fixed. */
    endedAt: z.iso.datetime().optional(),
    /** A repeat of a still-firing alert: a reminder (every `repeatIntervalMs`) or an Alertmanager keep-alive. */
    reminder: z.literal(true).optional(),
    /** Sent by `prober alert test`: not a real incident. */
    test: z.literal(true).optional(),
    lastResult: LastResult,
  })
  .strict();
export type AlertNotification = z.infer<typeof AlertNotification>;

/**
 * What the policy emits; the outbox adds `schema` and a `deliveryId` per channel. `keepAlive` (never in the payload)
 * marks a repeat meant only for channels whose alerts expire unless re-sent (Alertmanager).
 */
export type AlertEvent = Omit<AlertNotification, 'schema' | 'deliveryId'> & { keepAlive?: true };

export function toNotification(event: AlertEvent, deliveryId: string): AlertNotification {
  const { keepAlive: _routing, ...payload } = event;
  return { schema: ALERT_SCHEMA, deliveryId, ...payload };
}

/** Dedup key of a journey's alert: one per journey, never per step. */
export function journeyAlertKey(environment: string, journey: string): string {
  return `${environment}:${journey}`;
}

/** Dedup key of the prober's own health alert; distinct from every journey key so it never reads "users cannot…". */
export function proberAlertKey(environment: string): string {
  return `prober:${environment}`;
}
