import { describe, expect, it } from 'vitest';
import { buildPayload as alertmanagerPayload } from '../../src/alert/channels/alertmanager.js';
import { buildPayload as pagerDutyPayload } from '../../src/alert/channels/pagerduty.js';
import { buildPayload as slackPayload } from '../../src/alert/channels/slack.js';
import { buildPayload as webhookPayload, webhookHeaders } from '../../src/alert/channels/webhook.js';
import { AlertNotification } from '../../src/alert/notification.js';
import { signWebhook } from '../../src/alert/webhook-signature.js';
import { createHmac } from 'node:crypto';

const firing: AlertNotification = {
  schema: 'prober.alert/v1',
  id: 'staging:golden-path-api',
  deliveryId: '0b9f3c1e-7d2a-4f5e-9a61-3c2d1e0f9a8b',
  state: 'firing',
  severity: 'critical',
  environment: 'staging',
  journey: 'golden-path-api',
  verdict: 'Users cannot chat: backend step chat.reply timed out after 20000 ms',
  failure: { step: 'chat.reply', service: 'backend', category: 'timeout', message: 'no reply within 20000 ms' },
  since: '2026-11-23T10:01:00.000Z',
  lastResult: {
    runId: 'run-2',
    status: 'fail',
    startedAt: '2026-11-23T10:02:00.000Z',
    verdict: 'Users cannot chat: backend step chat.reply timed out after 20000 ms',
    failure: { step: 'chat.reply', service: 'backend', category: 'timeout', message: 'no reply within 20000 ms' },
  },
};
const resolved: AlertNotification = {
  ...firing,
  deliveryId: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
  state: 'resolved',
  verdict: 'Users can log in and chat',
  endedAt: '2026-11-23T10:10:00.000Z',
  lastResult: {
    runId: 'run-9',
    status: 'pass',
    startedAt: '2026-11-23T10:10:00.000Z',
    verdict: 'Users can log in and chat',
  },
};
const NOW = new Date('2026-11-23T10:02:05.000Z');

describe('channel payloads (pure, golden)', () => {
  it('the fixtures are valid prober.alert/v1 payloads', () => {
    expect(AlertNotification.parse(firing)).toEqual(firing);
    expect(AlertNotification.parse(resolved)).toEqual(resolved);
  });

  it('webhook: the contract itself; webhook-id = deliveryId; Standard Webhooks signature', () => {
    expect(webhookPayload(firing)).toEqual(firing);
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const body = JSON.stringify(firing);
    const headers = webhookHeaders(firing, { type: 'webhook', url: 'x', secret }, NOW, body);
    const ts = Math.floor(NOW.getTime() / 1000);
    // Independent of our signer: HMAC-SHA256 keyed with the base64-decoded secret over id.timestamp.body.
    const expected = createHmac('sha256', Buffer.from('0123456789abcdef0123456789abcdef'))
      .update(`${firing.deliveryId}.${ts}.${body}`)
      .digest('base64');
    expect(headers).toEqual({
      'webhook-id': firing.deliveryId,
      'webhook-timestamp': String(ts),
      'webhook-signature': `v1,${expected}`,
    });
    expect(signWebhook(secret, firing.deliveryId, ts, `${body} `)).not.toBe(headers['webhook-signature']);
    expect(webhookHeaders(firing, { type: 'webhook', url: 'x' }, NOW, body)).toEqual({
      'webhook-id': firing.deliveryId,
      'webhook-timestamp': String(ts),
    });
  });

  it('slack', () => {
    expect(slackPayload(firing, { link: 'https://prober.example/' })).toMatchSnapshot();
    expect(slackPayload(resolved)).toMatchSnapshot();
  });

  it('pagerduty events v2 (routing_key is added by send, never in the payload)', () => {
    expect(pagerDutyPayload(firing)).toMatchSnapshot();
    expect(pagerDutyPayload(resolved)).toEqual({ event_action: 'resolve', dedup_key: 'staging:golden-path-api' });
  });

  it('alertmanager v2: stable labels; firing endsAt = now + ttl, resolved endsAt = when it ended', () => {
    const options = { alertname: 'GoldenPathJourneyFailing', firingTtlMs: 6 * 3_600_000 };
    expect(alertmanagerPayload(firing, options, NOW)).toMatchSnapshot();
    const [r] = alertmanagerPayload(resolved, options, NOW);
    const [f] = alertmanagerPayload(firing, options, NOW);
    expect(r?.labels).toEqual(f?.labels);
    expect(r?.endsAt).toBe('2026-11-23T10:10:00.000Z');
  });
});
