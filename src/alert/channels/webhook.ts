import { WebhookChannelSchema, type WebhookChannelConfig } from '../../config/alert-channels.js';
import { postJson } from '../http-post.js';
import type { AlertNotification } from '../notification.js';
import { signedHeaders } from '../webhook-signature.js';
import type { AlertChannelType } from './channel.js';

export { WebhookChannelSchema, type WebhookChannelConfig };

/** Pure: the generic webhook body is the `prober.alert/v1` contract itself. */
export function buildPayload(notification: AlertNotification): AlertNotification {
  return notification;
}

/**
 * `webhook-id` is the delivery id and is sent even unsigned, so a receiver can deduplicate retries; the
 * timestamp and signature are per attempt, as Standard Webhooks wants (a replayed old attempt is refused).
 */
export function webhookHeaders(
  notification: AlertNotification,
  config: WebhookChannelConfig,
  now: Date,
  body: string,
): Record<string, string> {
  if (config.secret === undefined)
    return { 'webhook-id': notification.deliveryId, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)) };
  return { ...signedHeaders(config.secret, notification.deliveryId, now, body) };
}

export const webhookChannel = {
  type: 'webhook',
  schema: WebhookChannelSchema,
  create: (name, config) => ({
    name,
    type: 'webhook',
    send(notification, ctx) {
      const body = JSON.stringify(buildPayload(notification));
      return postJson({ url: config.url, headers: webhookHeaders(notification, config, ctx.now, body), body }, ctx);
    },
  }),
} satisfies AlertChannelType<WebhookChannelConfig>;
