import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/alert/webhook-signature.js';
import { runResult, type Outcome } from './fake-results.js';
import { alertHarness, FAST_DELIVERY, type Harness } from './harness.js';
import { json, Receiver } from './receiver.js';

const SECRET = `whsec_${Buffer.from('canary-signing-key-0123456789').toString('base64')}`;
const TOKEN = 'canary-url-token-5f3e9a';
let receiver: Receiver;
let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
  await receiver?.stop();
});

async function setup(delivery: Partial<typeof FAST_DELIVERY> = {}): Promise<Harness> {
  receiver = await new Receiver().start();
  h = alertHarness(
    {
      channels: { hook: { type: 'webhook', url: '${env:HOOK_URL}', secret: '${env:HOOK_SECRET}' } },
      delivery: { ...FAST_DELIVERY, ...delivery },
    },
    { HOOK_URL: `${receiver.url}/hook/${TOKEN}`, HOOK_SECRET: SECRET },
  );
  return h;
}

let clock = Date.parse('2026-11-23T10:00:00Z');
async function feed(harness: Harness, outcomes: string): Promise<void> {
  for (const o of outcomes.split('') as Outcome[]) {
    clock += 60_000;
    await harness.recorder.process(runResult(o, new Date(clock)));
  }
}

const hookRequests = () => receiver.requests.filter((r) => r.path.startsWith('/hook/'));

describe('outbox delivery to a real webhook receiver', () => {
  it('the notification is in the store before the first attempt; delivered once, signed, ids stable', async () => {
    const harness = await setup();
    await feed(harness, 'FF');
    const pending = await harness.store.listOutbox({ status: 'pending', limit: 10 });
    expect(pending).toHaveLength(1);
    expect(receiver.requests).toHaveLength(0);
    await harness.deliverer.flush(5_000);
    const [req] = await receiver.waitFor(1);
    expect(req?.headers['webhook-id']).toBe(pending[0]?.id);
    expect(json(req!)).toMatchObject({
      schema: 'prober.alert/v1',
      id: 'staging:golden-path-api',
      deliveryId: pending[0]?.id,
      state: 'firing',
      severity: 'critical',
    });
    expect(verifyWebhook(SECRET, req!.headers as Record<string, string>, req!.body, new Date())).toBe(true);
    expect(
      verifyWebhook(
        SECRET,
        req!.headers as Record<string, string>,
        req!.body.replace('firing', 'resolved'),
        new Date(),
      ),
    ).toBe(false);
    expect(await harness.store.listOutbox({ status: 'delivered', limit: 10 })).toHaveLength(1);
  });

  it('receiver down (refused, then 503) across the firing and the recovery: firing then resolved, in order, one each, same id per attempt', async () => {
    const harness = await setup();
    await receiver.stop(); // connection refused
    harness.deliverer.start();
    await feed(harness, 'FF');
    await waitUntil(() => harness.events.filter((e) => e.type === 'attempt').length >= 3, 'refused attempts');
    await receiver.start();
    receiver.respond = () => ({ status: 503 });
    await receiver.waitFor(2);
    await feed(harness, 'SS'); // the journey recovered while the receiver was still down
    receiver.respond = () => ({ status: 200 });
    const t0 = Date.now();
    await receiver.waitFor(0, 10_000, (rs) => rs.filter((r) => r.answered === 200).length >= 2);
    expect(Date.now() - t0).toBeLessThan(2_000); // ≤ one backoff step (cap 200 ms) plus scheduling
    const accepted = receiver.requests.filter((r) => r.answered === 200).map(json);
    expect(accepted.map((b) => b.state)).toEqual(['firing', 'resolved']);
    const firingIds = new Set(
      receiver.requests.filter((r) => json(r).state === 'firing').map((r) => r.headers['webhook-id']),
    );
    expect(firingIds.size).toBe(1);
    expect([...firingIds][0]).toBe(accepted[0]?.deliveryId);
    // The resolved waited behind the firing (per-key FIFO): it was never sent before the firing was accepted.
    const firstResolved = receiver.requests.findIndex((r) => json(r).state === 'resolved');
    const firingAccepted = receiver.requests.findIndex((r) => json(r).state === 'firing' && r.answered === 200);
    expect(firstResolved).toBeGreaterThan(firingAccepted);
  });

  it('429 with Retry-After: 2 waits at least 2 s before the next attempt', async () => {
    const harness = await setup();
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 });
    await feed(harness, 'FF');
    harness.deliverer.start();
    const [first, second] = await receiver.waitFor(2, 8_000);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(2_000);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
  });

  it('400 → dead-letter at once: no retry, an error log and a dead-letter event (the metric)', async () => {
    const harness = await setup();
    receiver.respond = () => ({ status: 400 });
    await feed(harness, 'FF');
    const { pending } = await harness.deliverer.flush(1_000);
    expect(pending).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    const dead = await harness.store.listOutbox({ status: 'dead', limit: 10 });
    expect(dead[0]?.deadReason).toMatch(/HTTP 400/);
    expect(harness.events.filter((e) => e.type === 'dead-letter')).toHaveLength(1);
    expect(harness.lines.some((l) => l.includes('"level":50') && l.includes('alert/dead-letter'))).toBe(true);
  });

  it('410 → the channel is disabled with a loud log; its later notifications are not sent', async () => {
    const harness = await setup();
    receiver.respond = () => ({ status: 410 });
    await feed(harness, 'FF');
    await harness.deliverer.flush(1_000);
    await feed(harness, 'SS');
    await harness.deliverer.flush(1_000);
    expect(receiver.requests).toHaveLength(1);
    expect(harness.events.some((e) => e.type === 'channel-disabled' && e.channel === 'hook')).toBe(true);
    expect(harness.lines.some((l) => l.includes('"level":50') && l.includes('alert/channel-disabled'))).toBe(true);
    expect(await harness.store.listOutbox({ status: 'dead', limit: 10 })).toHaveLength(2);
  });

  it('a slow receiver times out (per-attempt deadline) and is retried with the same id', async () => {
    const harness = await setup({ attemptTimeoutMs: 1_000 });
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? { status: 200, delayMs: 5_000 } : { status: 200 });
    await feed(harness, 'FF');
    harness.deliverer.start();
    await waitUntil(() => harness.events.some((e) => e.type === 'delivered'), 'delivery after a timeout');
    expect(harness.events.find((e) => e.type === 'attempt')).toMatchObject({ outcome: 'attempt timed out' });
    const attempts = harness.events.filter((e) => e.type === 'attempt');
    expect(new Set(attempts.map((e) => e.deliveryId)).size).toBe(1);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
  });

  it('redirects are not followed (retried instead); give-up after maxAge dead-letters', async () => {
    const harness = await setup({ maxAgeMs: 600 });
    receiver.respond = (r) =>
      r.path.startsWith('/hook/') ? { status: 302, headers: { location: '/elsewhere' } } : { status: 200 };
    await feed(harness, 'FF');
    harness.deliverer.start();
    await waitUntil(() => harness.events.some((e) => e.type === 'dead-letter'), 'dead letter after maxAge');
    expect(receiver.requests.every((r) => r.path.startsWith('/hook/'))).toBe(true);
    expect(hookRequests().length).toBeGreaterThanOrEqual(2);
    const [dead] = await harness.store.listOutbox({ status: 'dead', limit: 1 });
    expect(dead?.deadReason).toMatch(/not delivered within 600 ms/);
    expect(dead?.lastError).toMatch(/302 redirect/);
  });

  it('canary: the URL token and signing secret are in no log line, payload or store', async () => {
    const harness = await setup();
    receiver.respond = () => ({ status: 503 });
    await feed(harness, 'FF');
    await harness.deliverer.flush(400);
    receiver.respond = () => ({ status: 200 });
    await harness.deliverer.flush(3_000);
    await harness.store.close();
    const store =
      readFileSync(harness.storePath).toString('latin1') +
      readFileSync(`${harness.storePath}-wal`, { flag: 'a+' }).toString('latin1');
    const texts = { logs: harness.lines.join('\n'), bodies: receiver.requests.map((r) => r.body).join('\n'), store };
    for (const [where, text] of Object.entries(texts)) {
      expect(text.includes(TOKEN), `${where} has the URL token`).toBe(false);
      expect(text.includes(SECRET), `${where} has the secret`).toBe(false);
      expect(text.includes(SECRET.slice('whsec_'.length)), `${where} has the secret`).toBe(false);
    }
    expect(harness.lines.some((l) => l.includes('alert/retry'))).toBe(true);
  });
});

async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('prober error streak over the pipeline', () => {
  it('three prober errors fire prober:<environment> once, never the journey alert; a judged run resolves it', async () => {
    const harness = await setup();
    await feed(harness, 'EEEE');
    await harness.deliverer.flush(3_000);
    await feed(harness, 'S');
    await harness.deliverer.flush(3_000);
    expect(receiver.requests.map((r) => [json(r).id, json(r).state])).toEqual([
      ['prober:staging', 'firing'],
      ['prober:staging', 'resolved'],
    ]);
    expect(json(receiver.requests[0]!)).toMatchObject({
      severity: 'warning',
      journey: 'golden-path-api',
      failure: { category: 'prober' },
    });
  });
});
