import { afterEach, describe, expect, it } from 'vitest';
import { buildPayload } from '../../src/alert/channels/alertmanager.js';
import { headline } from '../../src/alert/channels/describe.js';
import { AlertNotification } from '../../src/alert/notification.js';
import { runResult } from './fake-results.js';
import { alertHarness, FAST_DELIVERY, type Harness } from './harness.js';
import { Receiver } from './receiver.js';

let h: Harness | undefined;
const receiver = new Receiver();
afterEach(async () => {
  await h?.close();
  await receiver.stop();
});

describe('location in alert payloads', () => {
  it('a result judged in a location fires a prober.alert/v1 notification that names it; Alertmanager gets it as an annotation, never a label', async () => {
    await receiver.start();
    h = alertHarness(
      { channels: { hook: { type: 'webhook', url: '${env:HOOK_URL}' } }, delivery: FAST_DELIVERY },
      { HOOK_URL: `${receiver.url}/hook` },
    );
    let t = Date.now() - 10 * 60_000;
    for (const o of ['F', 'F'] as const) {
      t += 60_000;
      await h.recorder.process({ ...runResult(o, new Date(t)), location: 'eu-west-1' });
    }
    expect((await h.deliverer.flush(5_000)).pending).toBe(0);
    const [req] = await receiver.waitFor(1);
    const n = AlertNotification.parse(JSON.parse(req!.body));
    expect(n).toMatchObject({
      state: 'firing',
      environment: 'staging',
      location: 'eu-west-1',
      journey: 'golden-path-api',
    });
    expect(headline(n)).toMatch(/^\[FIRING critical\] staging @ eu-west-1 \/ golden-path-api: /);
    const [am] = buildPayload(n, { alertname: 'GoldenPathJourneyFailing', firingTtlMs: 60_000 }, new Date());
    expect(am!.annotations.location).toBe('eu-west-1');
    expect(Object.keys(am!.labels)).not.toContain('location');
    // Without a location (one box), the payload is as before: no field at all.
    const { location: _drop, ...rest } = n;
    expect(AlertNotification.parse(rest).location).toBeUndefined();
  });
});
