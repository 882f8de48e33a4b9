import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, until, type Alertmanager } from './alertmanager-process.js';
import { runResult, type Outcome } from './fake-results.js';
import { alertHarness, FAST_DELIVERY, type Harness } from './harness.js';

let am: Alertmanager | undefined;
let h: Harness | undefined;

beforeAll(async () => {
  am = await startAlertmanager('route:\n  receiver: none\nreceivers:\n  - name: none\n');
  h = alertHarness({ channels: { am: { type: 'alertmanager', url: am.url } }, delivery: FAST_DELIVERY }, {});
}, 30_000);
afterAll(async () => {
  await h?.close();
  await am?.stop();
});

let clock = Date.now() - 10 * 60_000;
async function feed(outcomes: string): Promise<void> {
  for (const o of outcomes.split('') as Outcome[]) {
    clock += 60_000;
    await h!.recorder.process(
      runResult(o, new Date(clock), { step: 'chat.reply', service: 'backend', category: 'timeout' }),
    );
  }
  expect((await h!.deliverer.flush(5_000)).pending).toBe(0);
}

describe('a real Alertmanager (v2 API on loopback)', { timeout: 60_000 }, () => {
  it('the journey alert appears with its labels when firing and is gone once resolved', async () => {
    await feed('FF');
    const firing = await until(
      'the alert in /api/v2/alerts',
      async () => (await am!.alerts()).find((a) => a.labels.journey === 'golden-path-api'),
      15_000,
      am!.log,
    );
    expect(firing.labels).toMatchObject({
      alertname: 'GoldenPathJourneyFailing',
      environment: 'staging',
      journey: 'golden-path-api',
      service: 'backend',
      step: 'chat.reply',
      category: 'timeout',
      severity: 'critical',
    });
    expect(firing.status.state).toBe('active');
    await feed('SS');
    await until(
      'the alert to resolve',
      async () => ((await am!.alerts()).some((a) => a.labels.journey === 'golden-path-api') ? undefined : true),
      15_000,
      am!.log,
    );
    expect(h!.events.filter((e) => e.type === 'delivered')).toHaveLength(2);
  });
});
