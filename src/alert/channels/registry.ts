import type { ChannelConfig } from '../../config/alert-channels.js';
import { alertmanagerChannel } from './alertmanager.js';
import type { ChannelSender } from './channel.js';
import { pagerDutyChannel } from './pagerduty.js';
import { slackChannel } from './slack.js';
import { webhookChannel } from './webhook.js';

/** Adding a channel: its schema in config/alert-channels.ts (and the union there), its file, and a line here. */

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
