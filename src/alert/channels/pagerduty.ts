import {
  PAGERDUTY_EVENTS_URL,
  PagerDutyChannelSchema,
  type PagerDutyChannelConfig,
} from '../../config/alert-channels.js';
import { postJson } from '../http-post.js';
import type { AlertNotification } from '../notification.js';
import type { AlertChannelType } from './channel.js';
import { clip, headline } from './describe.js';

export { PAGERDUTY_EVENTS_URL, PagerDutyChannelSchema, type PagerDutyChannelConfig };

/** An Events v2 event without `routing_key`: the key is added by `send`, so payloads (and their goldens) hold no secret. */
export type PagerDutyEvent =
  | { event_action: 'trigger'; dedup_key: string; client: string; payload: Record<string, unknown> }
  | { event_action: 'resolve'; dedup_key: string };

/**
 * Pure. `dedup_key` is the alert id, stable per journey, so a retry, a reminder or a second replica's trigger
 * lands on the same incident and `resolve` closes it. Test notifications use severity `info`.
 */
export function buildPayload(n: AlertNotification): PagerDutyEvent {
  if (n.state === 'resolved') return { event_action: 'resolve', dedup_key: n.id };
  return {
    event_action: 'trigger',
    dedup_key: n.id,
    client: 'golden-path-prober',
    payload: {
      summary: clip(headline(n), 1024),
      source: n.environment,
      severity: n.test === true ? 'info' : n.severity,
      component: n.failure?.service ?? n.journey,
      group: n.journey,
      ...(n.failure === undefined ? {} : { class: n.failure.category }),
      timestamp: n.since,
      custom_details: {
        journey: n.journey,
        verdict: n.verdict,
        ...(n.failure === undefined
          ? {}
          : {
              step: n.failure.step,
              service: n.failure.service,
              category: n.failure.category,
              message: n.failure.message,
            }),
        lastRun: n.lastResult,
        deliveryId: n.deliveryId,
      },
    },
  };
}

export const pagerDutyChannel = {
  type: 'pagerduty',
  schema: PagerDutyChannelSchema,
  create: (name, config) => ({
    name,
    type: 'pagerduty',
    send: (n, ctx) =>
      postJson(
        { url: config.url, headers: {}, body: JSON.stringify({ routing_key: config.routingKey, ...buildPayload(n) }) },
        ctx,
      ),
  }),
} satisfies AlertChannelType<PagerDutyChannelConfig>;
