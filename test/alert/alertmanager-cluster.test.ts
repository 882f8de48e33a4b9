import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runResult, type Outcome } from './fake-results.js';
import { alertHarness, FAST_DELIVERY, type Harness } from './harness.js';
import { json, Receiver } from './receiver.js';
import { poll } from '../support/poll.js';
import { freePort } from '../support/free-port.js';
import { ROOT } from '../support/cli.js';
import { codeBlocks, read } from '../docs/doc-files.js';

/**
 * The standard Alertmanager HA setup: every prober sends to every Alertmanager; the Alertmanagers gossip their
 * notification log, so the receiver behind them hears about an incident once however many probers and
 * Alertmanagers saw it. Two real Alertmanagers clustered on loopback, started with exactly the settings
 * docs/fleet.md tells users to copy (its `alertmanager-pair` blocks: the route, and the cluster flags); three
 * probers in three locations, each with its own store and outbox.
 */
const BIN = '/usr/bin/prometheus-alertmanager';
const dir = mkdtempSync(join(tmpdir(), 'prober-am-cluster-'));
const pair = codeBlocks('docs/fleet.md', read(ROOT, 'docs/fleet.md')).filter((b) =>
  b.flags.includes('alertmanager-pair'),
);
const route = (parse(pair.find((b) => b.lang === 'yaml')!.code) as { route: Record<string, unknown> }).route;
/** The documented flags, except the peer's address (the test's own loopback ports). */
const documentedFlags = [...pair.find((b) => b.lang === 'sh')!.code.matchAll(/--cluster\.[a-z-]+=\S+/g)]
  .map((m) => m[0])
  .filter((f) => !f.startsWith('--cluster.peer='));
const seconds = (flag: string) => Number(/=(\d+)s$/.exec(flag)?.[1]);
const PEER_TIMEOUT_S = seconds(documentedFlags.find((f) => f.startsWith('--cluster.peer-timeout='))!);
const GROUP_INTERVAL_S = Number(/^(\d+)s$/.exec(String(route.group_interval))?.[1]);
const ams: { child: ChildProcess; url: string; log: () => string }[] = [];
const receiver = new Receiver();
const probers: Harness[] = [];

function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  return poll(what, check, {
    timeoutMs,
    ignoreErrors: true,
    context: () => ams.map((a) => a.log().slice(-2000)).join('\n---\n'),
  });
}

function startAlertmanager(
  name: string,
  webPort: number,
  clusterPort: number,
  peerPort: number,
): { child: ChildProcess; url: string; log: () => string } {
  let log = '';
  const child = spawn(
    BIN,
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${join(dir, name)}`,
      `--web.listen-address=127.0.0.1:${webPort}`,
      `--cluster.listen-address=127.0.0.1:${clusterPort}`,
      `--cluster.peer=127.0.0.1:${peerPort}`,
      ...documentedFlags,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  return { child, url: `http://127.0.0.1:${webPort}`, log: () => log };
}

beforeAll(async () => {
  await receiver.start();
  // The documented route as it is; only the receiver it names is the test's.
  const receivers = [{ name: route.receiver, webhook_configs: [{ url: `${receiver.url}/hook`, send_resolved: true }] }];
  writeFileSync(join(dir, 'am.yml'), stringify({ route, receivers }));
  const [w1, w2, c1, c2] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  ams.push(startAlertmanager('am1', w1, c1, c2), startAlertmanager('am2', w2, c2, c1));
  // Both ready and each sees the other: a cluster of two.
  for (const am of ams) {
    await until(`${am.url} in a cluster of 2`, async () => {
      const status = (await (await fetch(`${am.url}/api/v2/status`)).json()) as {
        cluster: { status: string; peers: unknown[] };
      };
      return status.cluster.status === 'ready' && status.cluster.peers.length === 2 ? true : undefined;
    });
  }
  const channels = { am1: { type: 'alertmanager', url: ams[0]!.url }, am2: { type: 'alertmanager', url: ams[1]!.url } };
  for (let i = 0; i < 3; i++) probers.push(alertHarness({ channels, delivery: FAST_DELIVERY }, {}));
}, 60_000);

afterAll(async () => {
  for (const p of probers) await p.close();
  for (const am of ams) {
    if (am.child.exitCode === null) {
      const exited = once(am.child, 'exit');
      am.child.kill('SIGTERM');
      await exited;
    }
  }
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
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
    await probers[p]!.pipeline.process(
      runResult(o, new Date(clocks[p]!), { step: 'chat.reply', service: 'backend', category: 'timeout' }),
    );
  }
  expect((await probers[p]!.deliverer.flush(10_000)).pending).toBe(0);
}

/** Sum of a counter over both Alertmanagers' own /metrics. */
async function amCounter(name: string, match: RegExp): Promise<number> {
  let sum = 0;
  for (const am of ams) {
    const text = await (await fetch(`${am.url}/metrics`)).text();
    for (const line of text.split('\n'))
      if (line.startsWith(name) && match.test(line)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

describe('two clustered Alertmanagers, three probers in three locations', { timeout: 120_000 }, () => {
  it('one incident seen by all three produces exactly one notification at the receiver, and one resolve', async () => {
    // The page's rule: group_interval at least 4 x the peer timeout (the second instance's wait ends first).
    expect(GROUP_INTERVAL_S).toBeGreaterThanOrEqual(4 * PEER_TIMEOUT_S);
    await Promise.all([0, 1, 2].map((p) => feed(p, 'FF')));
    // 3 probers × 2 Alertmanagers accepted the firing alert.
    for (const p of probers) expect(p.events.filter((e) => e.type === 'delivered').length).toBe(2);
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
    expect(await amCounter('alertmanager_notifications_total', /integration="webhook"/)).toBe(2);
    expect(await amCounter('alertmanager_notifications_failed_total', /integration="webhook"/)).toBe(0);
  });
});
