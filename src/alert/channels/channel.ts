import type { z } from 'zod';
import type { AttemptOutcome } from '../delivery-outcome.js';
import type { SendContext } from '../http-post.js';
import type { AlertNotification } from '../notification.js';

/** A configured, resolved channel, ready to send. Holds secrets: never log it. */
export interface ChannelSender {
  name: string;
  type: string;
  /**
   * Set for channels whose alerts expire unless re-sent (Alertmanager's `endsAt`): an open alert is re-sent to them
   * at least this often, whatever the reminder setting.
   */
  keepAliveMs?: number;
  send(notification: AlertNotification, ctx: SendContext): Promise<AttemptOutcome>;
}

/**
 * One kind of channel: its config schema (secrets as `${env:NAME}` references) and how to build a sender from the
 * resolved config. Each channel file also exports a pure `buildPayload`, golden-tested; `send` is only the POST.
 */
export interface AlertChannelType<C extends { type: string }> {
  type: C['type'];
  schema: z.ZodType<C, unknown>;
  create(name: string, resolved: C): ChannelSender;
}
