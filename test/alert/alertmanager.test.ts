import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResult, type Outcome } from './fake-results.js';
import { alertHarness, FAST_DELIVERY, type Harness } from './harness.js';

const BIN = '/usr/bin/prometheus-alertmanager';
const dir = mkdtempSync(join(tmpdir(), 'prober-alertmanager-'));
let am: ChildProcess | undefined;
let url = '';
let h: Harness | undefined;

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Polls a condition against the real Alertmanager with a bounded deadline. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string };
  endsAt: string;
}
const alerts = async (): Promise<AmAlert[]> => (await (await fetch(`${url}/api/v2/alerts?active=true`)).json()) as AmAlert[];

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'am.yml'), 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  let stderr = '';
  am = spawn(BIN, [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'data')}`, '--cluster.listen-address=', `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  am.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await until('Alertmanager /-/ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), 20_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${stderr}`);
  });
  h = alertHarness({ channels: { am: { type: 'alertmanager', url } }, delivery: FAST_DELIVERY }, {});
}, 30_000);
afterAll(async () => {
  await h?.close();
  if (am !== undefined && am.exitCode === null) {
    am.kill('SIGKILL');
    await once(am, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
});

let clock = Date.now() - 10 * 60_000;
async function feed(outcomes: string): Promise<void> {
  for (const o of outcomes.split('') as Outcome[]) await h!.pipeline.process(runResult(o, new Date((clock += 60_000)), { step: 'chat.reply', service: 'backend', category: 'timeout' }));
  expect((await h!.deliverer.flush(5_000)).pending).toBe(0);
}

describe('a real Alertmanager (v2 API on loopback)', { timeout: 60_000 }, () => {
  it('the journey alert appears with its labels when firing and is gone once resolved', async () => {
    await feed('FF');
    const firing = await until('the alert in /api/v2/alerts', async () => (await alerts()).find((a) => a.labels.journey === 'golden-path-api'));
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
    await until('the alert to resolve', async () => ((await alerts()).some((a) => a.labels.journey === 'golden-path-api') ? undefined : true));
    expect(h!.events.filter((e) => e.type === 'delivered')).toHaveLength(2);
  });
});
