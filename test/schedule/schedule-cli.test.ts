import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'prober-schedule-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A journey definition as plain data (what journey()/step() return), so the probe needs no import at all.
const stepData = (name: string) =>
  `{ kind: 'step', name: '${name}', service: 'auth', timeoutMs: 5000, budgetMs: undefined, always: false, location: undefined, run: () => {} }`;
// Two 5 s steps: the journey's own default timeout is 10 s.
writeFileSync(
  join(dir, 'probe.ts'),
  `export default { kind: 'journey', name: 'j', description: 'd', capability: 'log in', tags: [], timeoutMs: 10000, budgetMs: undefined,
  needs: { secrets: [], variables: [] }, steps: [${stepData('a')}, ${stepData('b')}] };\n`,
);

function config(name: string, extra: Record<string, unknown>): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({ environment: 'test', targets: { auth: 'http://127.0.0.1:9' }, probes: ['probe.ts'], ...extra }),
  );
  return path;
}

async function expectSetupError(args: string[], pattern: RegExp): Promise<void> {
  const r = await runCli(args, { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(hasStackTrace(r.stderr)).toBe(false);
  for (const line of r.stderr.trim().split('\n')) expect(line.startsWith('prober: ')).toBe(true);
}

// Each case spawns the CLI (which loads TypeScript through tsx): allow for a loaded machine.
describe('prober schedule refuses to start (exit 2, one line per problem)', { timeout: 90_000 }, () => {
  it('when a configured timeout does not fit the schedule interval (schema rule, also in prober validate)', async () => {
    const file = config('too-long', {
      journeys: { j: { schedule: '*/2 * * * * *', timeoutMs: 2_000 } },
      scheduler: { maxRandomDelayMs: 0 },
    });
    const pattern =
      /^prober: journeys\.j\.timeoutMs: the journey timeout 2000 ms must be below the interval of "\*\/2 \* \* \* \* \*" \(2 s\)/m;
    await expectSetupError(['schedule', '--config', file, '--port', '0'], pattern);
    await expectSetupError(['validate', '--config', file], pattern);
  });

  it("when the journey's own default timeout (sum of its steps) does not fit", async () => {
    const file = config('default-timeout', { journeys: { j: { schedule: '*/5 * * * * *' } } });
    await expectSetupError(
      ['schedule', '--config', file, '--port', '0', '--store', join(dir, 's1.db')],
      /timeout 10000 ms \+ 1000 ms start jitter .*\(the journey's default: the sum of its step timeouts; set journeys\.j\.timeoutMs\)/,
    );
  });

  it('when no journey has a schedule', async () => {
    await expectSetupError(
      ['schedule', '--config', config('none', {}), '--port', '0', '--store', join(dir, 's2.db')],
      /no enabled journey has a schedule/,
    );
  });

  it('when its port is taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    try {
      const file = config('ok', { journeys: { j: { schedule: '0 * * * * *', timeoutMs: 10_000 } } });
      await expectSetupError(
        ['schedule', '--config', file, '--port', String(port), '--store', join(dir, 's3.db')],
        /server: cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/,
      );
    } finally {
      blocker.close();
    }
  });

  it('prober report needs --html and an existing store', async () => {
    await expectSetupError(
      ['report', '--store', join(dir, 'missing.db')],
      /--html: required[\s\S]*--store: no state store at/,
    );
  });
});
