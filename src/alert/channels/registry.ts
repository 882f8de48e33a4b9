import { z } from 'zod';
import { alertmanagerChannel, AlertmanagerChannelSchema } from './alertmanager.js';
import type { ChannelSender } from './channel.js';
import { pagerDutyChannel, PagerDutyChannelSchema } from './pagerduty.js';
import { slackChannel, SlackChannelSchema } from './slack.js';
import { webhookChannel, WebhookChannelSchema } from './webhook.js';

/** Adding a channel: its file, plus one line in the union and one in `createSender`. */
export const ChannelConfigSchema = z.discriminatedUnion('type', [WebhookChannelSchema, SlackChannelSchema, PagerDutyChannelSchema, AlertmanagerChannelSchema]);
export type ChannelConfig = z.infer<typeof ChannelConfigSchema>;

/** A sender for a resolved channel config (its `${env:…}` references already replaced by values). */
export function createSender(name: string, config: ChannelConfig): ChannelSender {
  switch (config.type) {
    case 'webhook':
      return webhookChannel.create(name, config);
    case 'slack':
      return slackChannel.create(name, config);
    case 'pagerduty':
      return pagerDutyChannel.create(name, config);
    case 'alertmanager':
      return alertmanagerChannel.create(name, config);
  }
}
