import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsConfigSchema } from '../../src/config/alerts-config.js';
import { resolveSenders } from '../../src/alert/alerting.js';
import { testNotification } from '../../src/alert/test-notification.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { issuesToProblems } from '../../src/config/problems.js';
import { Redactor } from '../../src/redact.js';
import { json, Receiver } from './receiver.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await new Receiver().start();
});
afterAll(async () => receiver?.stop());

describe('channel senders against a loopback receiver', () => {
  it('slack, pagerduty and alertmanager POST their native shapes; secrets resolved from the environment and registered for redaction', async () => {
    const alerts = AlertsConfigSchema.parse({
      channels: {
        chat: { type: 'slack', url: '${env:SLACK_URL}' },
        pager: { type: 'pagerduty', routingKey: '${env:PD_KEY}', url: `${receiver.url}/pd` },
        am: { type: 'alertmanager', url: `${receiver.url}/am` },
      },
    });
    const redactor = new Redactor();
    const senders = resolveSenders(
      alerts,
      { SLACK_URL: `${receiver.url}/slack/T000/B000/secret-path`, PD_KEY: 'pd-routing-key-123' },
      redactor,
    );
    expect(redactor.scrub(`key pd-routing-key-123 at ${receiver.url}/slack/T000/B000/secret-path`)).toBe(
      'key [REDACTED] at [REDACTED]',
    );
    const now = new Date();
    for (const sender of senders.values()) {
      const outcome = await sender.send(testNotification('staging', 'firing', now), {
        signal: AbortSignal.timeout(5_000),
        now,
        timeoutMs: 2_000,
      });
      expect(outcome).toEqual({ kind: 'accepted', status: 200 });
    }
    const byPath = Object.fromEntries(
      receiver.requests.map((r) => [r.path.split('/')[1], { path: r.path, body: json(r) as Record<string, unknown> }]),
    );
    expect(byPath.slack?.body.text).toMatch(/TEST FIRING/);
    expect(byPath.pd?.body).toMatchObject({
      routing_key: 'pd-routing-key-123',
      event_action: 'trigger',
      dedup_key: 'staging:prober-alert-test',
      payload: { severity: 'info' },
    });
    expect(byPath.am?.path).toBe('/am/api/v2/alerts');
    expect(byPath.am?.body).toMatchObject([
      { labels: { alertname: 'GoldenPathProberTest', journey: 'prober-alert-test' } },
    ]);
  });
});

describe('alerts config validation', () => {
  const base = { environment: 'staging', targets: { auth: 'http://127.0.0.1:1' }, probes: ['x.ts'] };
  const problems = (alerts: unknown): string[] => {
    const r = ConfigSchema.safeParse({ ...base, alerts });
    return r.success ? [] : issuesToProblems(r.error.issues);
  };

  it('defaults: 2/2, 4 h reminders, resolved on, 10 s attempts, 60 s backoff cap, 24 h max age', () => {
    const parsed = ConfigSchema.parse(base).alerts;
    expect(parsed.policy).toMatchObject({
      failureThreshold: 2,
      successThreshold: 2,
      repeatIntervalMs: 14_400_000,
      sendResolved: true,
      notifyDegraded: false,
      proberErrorThreshold: 3,
    });
    expect(parsed.delivery).toMatchObject({ attemptTimeoutMs: 10_000, maxBackoffMs: 60_000, maxAgeMs: 86_400_000 });
    expect(parsed.channels).toEqual({});
  });

  it.each([
    [
      { channels: { hook: { type: 'webhook', url: 'https://hooks.example/abc' } } },
      /^alerts\.channels\.hook\.url: must be an \$\{env:NAME\} reference/,
    ],
    [
      { channels: { hook: { type: 'webhook', url: '${env:X}', secret: 'whsec_literal' } } },
      /^alerts\.channels\.hook\.secret: must be an \$\{env:NAME\}/,
    ],
    [{ channels: { pd: { type: 'pagerduty', routingKey: 'abc' } } }, /^alerts\.channels\.pd\.routingKey: /],
    [{ channels: { x: { type: 'email', to: 'a@b' } } }, /^alerts\.channels\.x\.type: /],
    [
      { policy: { window: { failures: 7, of: 6 } } },
      /^alerts\.policy\.window: window\.failures must not exceed window\.of/,
    ],
    [
      { maintenance: [{ cron: 'not cron', durationMs: 1000 }] },
      /^alerts\.maintenance\[0\]\.cron: invalid cron expression/,
    ],
    [{ policy: { failureTreshold: 3 } }, /^alerts\.policy\.failureTreshold: unknown key/],
  ])('%j → one line with its path', (alerts, expected) => {
    const p = problems(alerts);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(expected);
    expect(p[0]).not.toContain('\n');
  });
});
