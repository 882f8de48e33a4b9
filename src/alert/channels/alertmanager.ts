import { z } from 'zod';
import { postJson } from '../http-post.js';
import type { AlertNotification } from '../notification.js';
import { SecretRef } from '../secret-ref.js';
import type { AlertChannelType } from './channel.js';
import { headline } from './describe.js';

const HOUR_MS = 3_600_000;
/**
 * An open alert is re-sent after a quarter of its TTL, as Prometheus sets `endsAt` to 4 × its resend interval:
 * three missed refreshes (a slow run, a receiver restart) still leave it active.
 */
export const KEEP_ALIVE_FRACTION = 4;
/** A test alert must not linger in Alertmanager. */
const TEST_TTL_MS = 5 * 60_000;

export const AlertmanagerChannelSchema = z
  .object({
    type: z.literal('alertmanager'),
    /** Base URL, e.g. `http://alertmanager:9093`; `/api/v2/alerts` is appended. A reference if it carries credentials. */
    url: z.union([SecretRef, z.url({ protocol: /^https?$/ })]),
    /**
     * A firing alert carries `endsAt = now + firingTtlMs`; Alertmanager resolves it by itself if the prober stops
     * refreshing it (the prober died). While it fires it is re-sent every `firingTtlMs / 4` at the next run, with or
     * without reminders; so every scheduled journey must run at least that often (validation checks). @defaultValue 6 h
     */
    firingTtlMs: z.number().int().min(1_000).default(6 * HOUR_MS),
    /** @defaultValue `GoldenPathJourneyFailing` */
    alertname: z.string().min(1).default('GoldenPathJourneyFailing'),
  })
  .strict();
export type AlertmanagerChannelConfig = z.infer<typeof AlertmanagerChannelSchema>;

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/**
 * Pure. Labels identify the alert, so they hold only what is stable for an incident (the failure that opened it,
 * never the replica or region): several prober replicas sending the same alert get one deduplicated alert.
 * Resolving is the same labels with `endsAt` in the past (now).
 */
export function buildPayload(n: AlertNotification, options: { alertname: string; firingTtlMs: number }, now: Date): AlertmanagerAlert[] {
  const labels: Record<string, string> = {
    alertname: n.test === true ? 'GoldenPathProberTest' : options.alertname,
    journey: n.journey,
    environment: n.environment,
    severity: n.severity,
    alert_id: n.id,
  };
  if (n.failure !== undefined) Object.assign(labels, { service: n.failure.service, step: n.failure.step, category: n.failure.category });
  const ttl = n.test === true ? TEST_TTL_MS : options.firingTtlMs;
  const endsAt = n.state === 'resolved' ? (n.endedAt ?? now.toISOString()) : new Date(now.getTime() + ttl).toISOString();
  return [
    {
      labels,
      annotations: {
        summary: headline(n),
        verdict: n.verdict,
        // An annotation, not a label: probers in several locations must raise ONE alert for one incident.
        ...(n.location === undefined ? {} : { location: n.location }),
        ...(n.locations === undefined ? {} : { failing_locations: n.locations.failing.join(',') }),
        ...(n.failure === undefined ? {} : { failure: n.failure.message }),
        last_run: n.lastResult.runId,
      },
      startsAt: n.since,
      endsAt,
    },
  ];
}

export const alertmanagerChannel = {
  type: 'alertmanager',
  schema: AlertmanagerChannelSchema,
  create: (name, config) => ({
    name,
    type: 'alertmanager',
    keepAliveMs: Math.floor(config.firingTtlMs / KEEP_ALIVE_FRACTION),
    send: (n, ctx) =>
      postJson({ url: `${config.url.replace(/\/+$/, '')}/api/v2/alerts`, headers: {}, body: JSON.stringify(buildPayload(n, config, ctx.now)) }, ctx),
  }),
} satisfies AlertChannelType<AlertmanagerChannelConfig>;
