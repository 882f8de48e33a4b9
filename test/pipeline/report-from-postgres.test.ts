import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli } from '../support/cli.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { targetArgs } from '../schedule/daemon-process.js';

// `prober report` opens its store the way every entry point does (the composition root), so the history a fleet
// keeps in Postgres is a status page too, not only a SQLite file.

let pg: PostgresServer;
let sandbox: Sandbox;
let dir: string;
const password = 'report-from-postgres';

beforeAll(async () => {
  [pg, sandbox, dir] = await Promise.all([
    startPostgres(),
    startSandbox({ users: [{ email: 'probe@sandbox.test', password }] }),
    mkdtemp(join(tmpdir(), 'prober-report-pg-')),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([pg?.stop(), sandbox?.close(), rm(dir, { recursive: true, force: true })]);
});

describe('prober report --store postgres://', { timeout: 60_000 }, () => {
  it('writes the status page from the runs prober run --store recorded in Postgres, no password in the output', async () => {
    const url = pg.url(await pg.createDatabase('report'));
    const recorded = await runCli(
      ['run', '--config', join(ROOT, 'test/fixtures/sandbox-fast.ts'), ...targetArgs(sandbox), '--store', url],
      { env: { SANDBOX_PASSWORD: password } },
    );
    expect(recorded.code, recorded.stderr).toBe(0);
    const html = join(dir, 'status.html');
    const report = await runCli(['report', '--store', url, '--html', html]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stderr.trim()).toBe(`status page for sandbox-test (1 journey) written to ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('golden-path-api');
    expect(page).toContain('sandbox-test');
    for (const out of [report.stdout, report.stderr, recorded.stdout, recorded.stderr, page])
      expect(out.includes(pg.password)).toBe(false);
  });
});
