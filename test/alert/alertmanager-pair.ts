import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { codeBlocks, read } from '../docs/doc-files.js';
import { ROOT } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { poll } from '../support/poll.js';

const BIN = '/usr/bin/prometheus-alertmanager';

/** The `alertmanager-pair` blocks of docs/fleet.md: the route and the cluster flags users copy. */
const pair = codeBlocks('docs/fleet.md', read(ROOT, 'docs/fleet.md')).filter((b) =>
  b.flags.includes('alertmanager-pair'),
);
export const documentedRoute = (parse(pair.find((b) => b.lang === 'yaml')!.code) as { route: Record<string, unknown> })
  .route;
/** The documented flags, except the peer's address (the test's own loopback ports). */
export const documentedFlags = [...pair.find((b) => b.lang === 'sh')!.code.matchAll(/--cluster\.[a-z-]+=\S+/g)]
  .map((m) => m[0])
  .filter((f) => !f.startsWith('--cluster.peer='));
const seconds = (text: string) => Number(/(\d+)s$/.exec(text)?.[1]);
export const PEER_TIMEOUT_S = seconds(documentedFlags.find((f) => f.startsWith('--cluster.peer-timeout='))!);
export const GROUP_INTERVAL_S = seconds(String(documentedRoute.group_interval));
export const GROUP_WAIT_S = seconds(String(documentedRoute.group_wait));

export interface AlertmanagerPair {
  urls: [string, string];
  /**
   * Resolves with the time both instances were ready in a cluster of two (gossip settled: about 10 s after the
   * start). They take alerts before that, and hold their notifications until then, so a test can start while the
   * pair settles and check it settled before the receiver heard anything.
   */
  clustered: Promise<number>;
  /** Both instances' stderr, for a failure's context. */
  logs(): string;
  /** Sum of a counter over both instances' own /metrics. */
  counter(name: string, match: RegExp): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Two real Alertmanagers (Debian's prometheus-alertmanager) clustered on loopback, started with exactly the
 * settings docs/fleet.md tells users to copy; only the receiver the route names is the caller's (`receiverUrl`,
 * a webhook with send_resolved). Resolves once both answer HTTP (`clustered` says when they formed the cluster);
 * stopped by PID.
 */
export async function startAlertmanagerPair(receiverUrl: string): Promise<AlertmanagerPair> {
  const dir = mkdtempSync(join(tmpdir(), 'prober-am-pair-'));
  const receivers = [{ name: documentedRoute.receiver, webhook_configs: [{ url: receiverUrl, send_resolved: true }] }];
  writeFileSync(join(dir, 'am.yml'), stringify({ route: documentedRoute, receivers }));
  const [w1, w2, c1, c2] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const ams = [start(dir, 'am1', w1, c1, c2), start(dir, 'am2', w2, c2, c1)];
  const logs = () => ams.map((a) => a.log().slice(-2000)).join('\n---\n');
  const stop = async () => {
    for (const am of ams) {
      if (am.child.exitCode !== null || am.child.signalCode !== null) continue;
      const exited = once(am.child, 'exit');
      am.child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const am of ams) await webReady(am.url, logs);
  } catch (err) {
    await stop();
    throw err;
  }
  const clustered = (async () => {
    for (const am of ams) await clusterOfTwo(am.url, logs);
    return Date.now();
  })();
  clustered.catch(() => undefined); // awaited by the caller; a failure is theirs to see, not an unhandled one
  return {
    urls: [ams[0]!.url, ams[1]!.url],
    clustered,
    logs,
    async counter(name, match) {
      let sum = 0;
      for (const am of ams) {
        const text = await (await fetch(`${am.url}/metrics`)).text();
        for (const line of text.split('\n'))
          if (line.startsWith(name) && match.test(line)) sum += Number(line.split(' ').at(-1));
      }
      return sum;
    },
    stop,
  };
}

function start(dir: string, name: string, webPort: number, clusterPort: number, peerPort: number) {
  let log = '';
  const child: ChildProcess = spawn(
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

/** Its web endpoint answers (/-/ready does from the start; the cluster settles after). */
async function webReady(url: string, logs: () => string): Promise<void> {
  await poll(`${url}/-/ready`, async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), {
    timeoutMs: 20_000,
    ignoreErrors: true,
    context: logs,
  });
}

/** Ready and seeing the other: its cluster status is `ready` with two peers. */
async function clusterOfTwo(url: string, logs: () => string): Promise<void> {
  await poll(
    `${url} in a cluster of 2`,
    async () => {
      const status = (await (await fetch(`${url}/api/v2/status`)).json()) as {
        cluster: { status: string; peers: unknown[] };
      };
      return status.cluster.status === 'ready' && status.cluster.peers.length === 2 ? true : undefined;
    },
    { timeoutMs: 30_000, ignoreErrors: true, context: logs },
  );
}
