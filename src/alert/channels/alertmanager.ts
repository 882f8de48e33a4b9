import {
  KEEP_ALIVE_FRACTION,
  AlertmanagerChannelSchema,
  type AlertmanagerChannelConfig,
} from '../../config/alert-channels.js';
import { postJson } from '../http-post.js';
import type { AlertNotification } from '../notification.js';
import type { AlertChannelType } from './channel.js';
import { headline } from './describe.js';

export { KEEP_ALIVE_FRACTION, AlertmanagerChannelSchema, type AlertmanagerChannelConfig };

/** A test alert must not linger in Alertmanager. */
const TEST_TTL_MS = 5 * 60_000;

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
export function buildPayload(
  n: AlertNotification,
  options: { alertname: string; firingTtlMs: number },
  now: Date,
): AlertmanagerAlert[] {
  const labels: Record<string, string> = {
    alertname: n.test === true ? 'GoldenPathProberTest' : options.alertname,
    journey: n.journey,
    environment: n.environment,
    severity: n.severity,
    alert_id: n.id,
  };
  if (n.failure !== undefined)
    Object.assign(labels, { service: n.failure.service, step: n.failure.step, category: n.failure.category });
  const ttl = n.test === true ? TEST_TTL_MS : options.firingTtlMs;
  const endsAt =
    n.state === 'resolved' ? (n.endedAt ?? now.toISOString()) : new Date(now.getTime() + ttl).toISOString();
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
      postJson(
        {
          url: `${config.url.replace(/\/+$/, '')}/api/v2/alerts`,
          headers: {},
          body: JSON.stringify(buildPayload(n, config, ctx.now)),
        },
        ctx,
      ),
  }),
} satisfies AlertChannelType<AlertmanagerChannelConfig>;
