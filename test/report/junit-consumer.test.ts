import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit-reporter.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { SAMPLE_RUN } from '../fixtures/sample-results.js';
import { ROOT, runCli } from '../support/cli.js';

/**
 * JUnit as a real consumer reads it: Debian's python3-junitparser (what many CI plugins are built on) gives each
 * test case's `file` and `line` attributes and the `[[ATTACHMENT|path]]` lines of its system-out.
 */
const READ = `
import json, sys
from junitparser import JUnitXml
out = []
for suite in JUnitXml.fromfile(sys.argv[1]):
    for case in suite:
        out.append({"suite": suite.name, "name": case.name, "file": case._elem.get("file"), "line": case._elem.get("line"),
                    "system_out": case.system_out, "failed": any(r._tag in ("failure", "error") for r in case.result)})
print(json.dumps(out))
`;
type Case = {
  suite: string;
  name: string;
  file: string | null;
  line: string | null;
  system_out: string | null;
  failed: boolean;
};
function readJunit(path: string): Case[] {
  const r = spawnSync('/usr/bin/python3', ['-c', READ, path], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Case[];
}

const dir = mkdtempSync(join(tmpdir(), 'prober-junit-'));
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    users: [{ email: 'probe@sandbox.test', password: 'junit-password' }],
    faults: ['session.create=http500'],
  });
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('JUnit read by python3-junitparser', () => {
  it('a failing prober run: every test case points at its step in probes/golden-path-api.ts', async () => {
    const out = join(dir, 'run.xml');
    const targets = (['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]);
    const cli = await runCli(
      ['run', '--config', join(ROOT, 'test/fixtures/sandbox-fast.ts'), ...targets, '--reporter', `junit=${out}`],
      { env: { SANDBOX_PASSWORD: 'junit-password' } },
    );
    expect(cli.code).toBe(1);
    const cases = readJunit(out);
    expect(cases.map((c) => c.name)).toEqual([
      'auth.token',
      'session.create',
      'chat.connect',
      'chat.send',
      'chat.reply',
      'session.close',
    ]);
    for (const c of cases) {
      expect(c.file).toMatch(/probes[/\\]golden-path-api\.ts$/);
      expect(Number(c.line)).toBeGreaterThan(0);
    }
    expect(cases.find((c) => c.failed)?.name).toBe('session.create');
    // Lines are where each step() is called, in order.
    const lines = cases.map((c) => Number(c.line));
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('a failed step with a screenshot and a trace: both as [[ATTACHMENT|path]] lines in its system-out', () => {
    const run = structuredClone(SAMPLE_RUN);
    const step = run.journeys[0]!.steps.find((s) => s.status === 'fail')!;
    step.artifacts = ['artifacts/run-1/golden-path-api/chat.reply.png', 'artifacts/run-1/golden-path-api/trace.zip'];
    const out = join(dir, 'sample.xml');
    writeFileSync(out, renderJunit(run));
    const c = readJunit(out).find((x) => x.name === step.name)!;
    expect(c.failed).toBe(true);
    expect(c.system_out?.split('\n')).toEqual([
      '[[ATTACHMENT|artifacts/run-1/golden-path-api/chat.reply.png]]',
      '[[ATTACHMENT|artifacts/run-1/golden-path-api/trace.zip]]',
    ]);
    expect([c.file, c.line]).toEqual(['probes/golden-path-api.ts', step.location?.split(':')[1]]);
  });
});
