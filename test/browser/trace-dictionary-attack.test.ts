import { createHash, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli } from '../support/cli.js';
import { describeWithBrowser } from './browser-gate.js';

/**
 * The attack from issue #12: the scrubbed trace once named the login request's resource by the SHA-1 of the
 * unscrubbed body and kept its size, and a word list recovered the password offline. Here the password is drawn
 * from a 100,000-word list made in the test, a real Chromium logs in through the real CLI (the chat session then
 * fails, so the trace is kept), and the attacker gets the scrubbed trace.zip, read with fflate directly.
 */
const EMAIL = 'probe@sandbox.test';
const REDACTED_LENGTH = '[REDACTED]'.length;
const letters = 'abcdefghijklmnopqrstuvwxyz';
const words = [
  ...new Set(
    Array.from({ length: 100_000 }, () =>
      Array.from({ length: randomInt(6, 15) }, () => letters[randomInt(26)]).join(''),
    ),
  ),
];
// A password as long as "[REDACTED]" would leave the scrubbed body exactly as long as the real one: pick another.
const candidates = words.filter((w) => w.length !== REDACTED_LENGTH);
const canary = candidates[randomInt(candidates.length)]!;
/** What the sandbox's login page POSTs, byte for byte (web-pages.ts). */
const loginBody = (password: string) => JSON.stringify({ email: EMAIL, password });
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

describeWithBrowser('a scrubbed Playwright trace resists a dictionary attack on the password', () => {
  let sandbox: Sandbox;
  let work: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ users: [{ email: EMAIL, password: canary }] });
    work = mkdtempSync(join(tmpdir(), 'prober-trace-attack-'));
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('no SHA-1 in the archive is a candidate login body; no size field equals the real body size', {
    timeout: 120_000,
  }, async () => {
    sandbox.faults.set('session.create=http500'); // after the login request: web.login fails, the trace is kept
    const targets = (['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]);
    const file = join(work, 'result.json');
    const cli = await runCli(
      ['run', '--config', join(ROOT, 'test/fixtures/browser-sandbox.ts'), ...targets, '--reporter', `json=${file}`],
      { cwd: work, env: { SANDBOX_PASSWORD: canary } },
    );
    expect(cli.code, cli.stderr).toBe(1);
    const result = RunResult.parse(JSON.parse(readFileSync(file, 'utf8')));
    const trace = result.journeys[0]!.steps.flatMap((s) => s.artifacts ?? []).find((a) => a.endsWith('trace.zip'));
    expect(trace, 'a trace was kept').toBeDefined();
    const entries = Object.entries(unzipSync(readFileSync(trace!))).map(([name, data]) => ({
      name,
      text: Buffer.from(data).toString('latin1'),
    }));

    // Every 40-hex string anywhere (entry names, references, snapshot resource ids) is an attacker's hash to crack.
    const hashes = new Set(
      entries.flatMap((e) => [...`${e.name}\n${e.text}`.matchAll(/[0-9a-f]{40}/g)].map((m) => m[0])),
    );
    const t0 = performance.now();
    const recovered = words.filter((w) => hashes.has(sha1(loginBody(w))) || hashes.has(sha1(w)));
    const attackMs = performance.now() - t0;
    expect(recovered, `the attack tried ${words.length} words in ${Math.round(attackMs)} ms`).toEqual([]);
    // The attack's model is right: the scrubbed login body is there, named by its own hash.
    expect(
      hashes.has(sha1(loginBody('[REDACTED]'))),
      'the scrubbed login body, named by the SHA-1 of its scrubbed content',
    ).toBe(true);
    for (const e of entries) expect(e.text.includes(canary), `${e.name} contains the password`).toBe(false);

    // Sizes: every number under a size-like key, and every Content-Length header, in every JSON record.
    const sizes: number[] = [];
    const visit = (v: unknown, key = ''): void => {
      if (typeof v === 'number' && /size$/i.test(key)) sizes.push(v);
      else if (Array.isArray(v)) for (const x of v) visit(x);
      else if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (typeof o.name === 'string' && o.name.toLowerCase() === 'content-length') sizes.push(Number(o.value));
        for (const [k, x] of Object.entries(o)) visit(x, k);
      }
    };
    for (const e of entries.filter((x) => /\.(trace|network)$/.test(x.name))) {
      for (const line of e.text.split('\n')) if (line.trim() !== '') visit(JSON.parse(line));
    }
    const realSize = Buffer.byteLength(loginBody(canary));
    expect(sizes, 'the network records were read').toContain(Buffer.byteLength(loginBody('[REDACTED]')));
    expect(sizes).not.toContain(realSize);
  });
});
