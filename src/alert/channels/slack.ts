import { SlackChannelSchema, type SlackChannelConfig } from '../../config/alert-channels.js';
import { postJson } from '../http-post.js';
import type { AlertNotification } from '../notification.js';
import type { AlertChannelType } from './channel.js';
import { clip, failedAt, headline } from './describe.js';

export { SlackChannelSchema, type SlackChannelConfig };

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** Pure: `text` is the notification fallback; blocks carry verdict, step, service, category and a link. */
export function buildPayload(n: AlertNotification, options: { link?: string | undefined } = {}): SlackMessage {
  const icon =
    n.state === 'resolved'
      ? ':large_green_circle:'
      : n.severity === 'critical'
        ? ':red_circle:'
        : ':large_yellow_circle:';
  const text = clip(`${icon} ${headline(n)}`, 3000);
  const fields = [
    ['Step', n.failure?.step],
    ['Service', n.failure?.service],
    ['Category', n.failure?.category],
    [n.state === 'resolved' ? 'Was failing since' : 'Since', n.since],
  ].flatMap(([label, value]) => (value === undefined ? [] : [{ type: 'mrkdwn', text: `*${label}*\n${value}` }]));
  const blocks: Record<string, unknown>[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  const where = failedAt(n);
  if (where !== undefined && n.failure !== undefined) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clip(`Failed at ${where}: ${n.failure.message}`, 3000) }],
    });
  }
  if (options.link !== undefined) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: options.link }],
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `id \`${n.id}\` · delivery \`${n.deliveryId}\`` }],
  });
  return { text, blocks };
}

export const slackChannel = {
  type: 'slack',
  schema: SlackChannelSchema,
  create: (name, config) => ({
    name,
    type: 'slack',
    send: (n, ctx) =>
      postJson({ url: config.url, headers: {}, body: JSON.stringify(buildPayload(n, { link: config.link })) }, ctx),
  }),
} satisfies AlertChannelType<SlackChannelConfig>;
