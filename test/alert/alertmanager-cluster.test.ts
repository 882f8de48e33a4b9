import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResult, type Outcome } from './fake-results.js';
import { alertHarness, FAST_DELIVERY, type Harness } from './harness.js';
import { json, Receiver } from './receiver.js';
import { GROUP_INTERVAL_S, PEER_TIMEOUT_S, startAlertmanagerPair, type AlertmanagerPair } from './alertmanager-pair.js';

/**
 * The standard Alertmanager HA setup: every prober sends to every Alertmanager; the Alertmanagers gossip their
 * notification log, so the receiver behind them hears about an incident once however many probers and
 * Alertmanagers saw it. Two real Alertmanagers clustered on loopback, started with exactly the settings
 * docs/fleet.md tells users to copy (its `alertmanager-pair` blocks: the route, and the cluster flags); three
 * probers in three locations, each with its own store and outbox (no shared store: Alertmanager alone
 * deduplicates them).
 */
const receiver = new Receiver();
const probers: Harness[] = [];
let pair: AlertmanagerPair;

beforeAll(async () => {
  await receiver.start();
  pair = await startAlertmanagerPair(`${receiver.url}/hook`);
  const [am1, am2] = pair.urls;
  const channels = { am1: { type: 'alertmanager', url: am1 }, am2: { type: 'alertmanager', url: am2 } };
  for (let i = 0; i < 3; i++) probers.push(alertHarness({ channels, delivery: FAST_DELIVERY }, {}));
}, 60_000);

afterAll(async () => {
  for (const p of probers) await p.close();
  await pair?.stop();
  await receiver.stop();
});

interface WebhookBody {
  status: 'firing' | 'resolved';
  alerts: { status: string; labels: Record<string, string> }[];
}
const notifications = (): WebhookBody[] => receiver.requests.map((r) => json(r) as unknown as WebhookBody);

/** Each prober judges on its own clock (its own runs), as probers in three locations do. */
const clocks = [0, 1, 2].map((i) => Date.now() - 20 * 60_000 + i * 7_000);
async function feed(p: number, outcomes: string): Promise<void> {
  for (const o of outcomes.split('') as Outcome[]) {
    clocks[p]! += 60_000;
    await probers[p]!.recorder.process(
      runResult(o, new Date(clocks[p]!), { step: 'chat.reply', service: 'backend', category: 'timeout' }),
    );
  }
  expect((await probers[p]!.deliverer.flush(10_000)).pending).toBe(0);
}

describe('two clustered Alertmanagers, three probers in three locations', { timeout: 120_000 }, () => {
  it('one incident seen by all three produces exactly one notification at the receiver, and one resolve', async () => {
    // The page's rule: group_interval at least 4 x the peer timeout (the second instance's wait ends first).
    expect(GROUP_INTERVAL_S).toBeGreaterThanOrEqual(4 * PEER_TIMEOUT_S);
    await Promise.all([0, 1, 2].map((p) => feed(p, 'FF')));
    // 3 probers × 2 Alertmanagers accepted the firing alert.
    for (const p of probers) expect(p.events.filter((e) => e.type === 'delivered').length).toBe(2);
    // The pair settles while the probers judge (it holds notifications until then): it is a cluster of two.
    await pair.clustered;
    await receiver.waitFor(1, 30_000);
    const firing = notifications()[0]!;
    expect(firing.status).toBe('firing');
    expect(firing.alerts).toHaveLength(1);
    expect(firing.alerts[0]!.labels).toMatchObject({
      journey: 'golden-path-api',
      environment: 'staging',
      step: 'chat.reply',
      category: 'timeout',
    });

    await Promise.all([0, 1, 2].map((p) => feed(p, 'SS')));
    await receiver.waitFor(2, (GROUP_INTERVAL_S + 20) * 1000, (r) =>
      r.some((x) => (json(x) as unknown as WebhookBody).status === 'resolved'),
    );
    // Observe long enough for the second Alertmanager to have sent a duplicate if deduplication failed: it reads
    // the notification log one peer timeout after its flush, so a duplicate comes within that of the first's send.
    const quietUntil = Date.now() + (PEER_TIMEOUT_S + 3) * 1000;
    while (Date.now() < quietUntil) await new Promise((r) => setTimeout(r, 250));
    expect(notifications().map((n) => n.status)).toEqual(['firing', 'resolved']);
    // The Alertmanagers agree: two webhook notifications sent in total by the pair, none failed.
    expect(await pair.counter('alertmanager_notifications_total', /integration="webhook"/)).toBe(2);
    expect(await pair.counter('alertmanager_notifications_failed_total', /integration="webhook"/)).toBe(0);
  });
});
