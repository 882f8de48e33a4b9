import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserOverrides } from '../../src/cli/commands/run.js';
import { parseCommand } from '../../src/cli/parse-command.js';
import { RUN_TABLE } from '../../src/cli/tables/run.js';
import { isRelevantChange, watchRoots } from '../../src/cli/watch.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { formatLogLine } from '../../src/log-format.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeWithBrowser } from '../browser/browser-gate.js';
import { BIN, ROOT, runCli } from '../support/cli.js';

const password = 'debug-loop-password';
const dir = mkdtempSync(join(tmpdir(), 'prober-debug-'));
let sandbox: Sandbox;
let targets: string[];
beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }] });
  targets = (['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]);
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});
const env = { SANDBOX_PASSWORD: password };

describe('debug flags: pure parts', () => {
  it.each([
    [{}, {}],
    [{ headed: true }, { headless: false }],
    [{ debug: true }, { headless: false }],
    [{ trace: 'on' as const }, { trace: 'on' }],
    [
      { trace: 'off' as const, headed: true },
      { headless: false, trace: 'off' },
    ],
  ])('%j → %j', (flags, overrides) => {
    expect(browserOverrides(flags)).toEqual(overrides);
  });
  it('bad values are one-line usage errors', () => {
    expect(() => parseCommand(RUN_TABLE, ['--trace', 'always'])).toThrow(
      /--trace: expected on, on-failure or off, got "always"/,
    );
    expect(() => parseCommand(RUN_TABLE, ['--log-format', 'xml'])).toThrow(
      /--log-format: expected pretty or json, got "xml"/,
    );
    expect(parseCommand(RUN_TABLE, []).values['log-format']).toBe('pretty');
  });
  it.each([
    [
      '{"level":40,"time":0,"pid":1,"msg":"step/end","journey":"j","step":"chat.reply","error":"timed out after 5 ms"}',
      '00:00:00.000 WARN  step/end journey=j step=chat.reply error="timed out after 5 ms"\n',
    ],
    [
      '{"level":30,"time":0,"msg":"run/end","summary":{"journeys":1}}',
      '00:00:00.000 INFO  run/end summary={"journeys":1}\n',
    ],
    ['not json', 'not json\n'],
  ])('log line %s', (line, pretty) => {
    expect(formatLogLine(line)).toBe(pretty);
  });
  it.each([
    ['/p/prober.config.ts', ['probes/*.ts'], ['/p']],
    ['/p/config/staging.ts', ['../probes/**/*.ts'], ['/p/config', '/p/probes']],
    ['/p/config/staging.ts', ['../probes/a.ts', '/abs/j/*.ts'], ['/p/config', '/p/probes', '/abs/j']],
  ])('watch roots of %s with %j', (config, probes, roots) => {
    expect(watchRoots(config, probes).sort()).toEqual(roots.sort());
  });
  it.each([
    ['probes/a.ts', true],
    ['prober.config.json', true],
    ['artifacts/run/trace.zip', false],
    ['node_modules/x/index.js', false],
    ['reports/out.json', false],
    ['notes.md', false],
  ])('change of %s re-runs: %s', (file, rerun) => {
    expect(isRelevantChange(file)).toBe(rerun);
  });
});

describe('--until and --log-format', () => {
  it('--until session.create: runs up to it, skips the rest, still runs the always step (session.close)', async () => {
    const cli = await runCli(
      [
        'run',
        '--config',
        join(ROOT, 'test/fixtures/sandbox-fast.ts'),
        ...targets,
        '--until',
        'session.create',
        '--reporter',
        'json',
      ],
      { env },
    );
    expect(cli.code, cli.stderr).toBe(0);
    const steps = RunResult.parse(JSON.parse(cli.stdout)).journeys[0]!.steps;
    expect(steps.map((s) => [s.name, s.status === 'degraded' ? 'pass' : s.status, s.skipReason])).toEqual([
      ['auth.token', 'pass', undefined],
      ['session.create', 'pass', undefined],
      ['chat.connect', 'skipped', 'not run: --until session.create'],
      ['chat.send', 'skipped', 'not run: --until session.create'],
      ['chat.reply', 'skipped', 'not run: --until session.create'],
      ['session.close', 'pass', undefined],
    ]);
    // The session the run opened was closed by the always step.
    expect(sandbox.chatSessions()).toEqual([]);
  });

  it('--until a step no selected journey has: exit 2, one line naming the steps', async () => {
    const cli = await runCli(
      ['run', '--config', join(ROOT, 'test/fixtures/sandbox-fast.ts'), ...targets, '--until', 'chat.rpely'],
      { env },
    );
    expect(cli.code).toBe(2);
    expect(cli.stderr.trim()).toMatch(
      /^prober: --until: no selected journey has a step "chat\.rpely" \(steps: auth\.token, session\.create, /,
    );
  });

  it('logs are human lines by default and pino JSON with --log-format json', async () => {
    const args = [
      'run',
      '--config',
      join(ROOT, 'test/fixtures/sandbox-fast.ts'),
      ...targets,
      '--reporter',
      'json',
      '--log-level',
      'info',
    ];
    const pretty = await runCli(args, { env });
    expect(pretty.stderr).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}run\/end .*status=pass/m);
    expect(pretty.stderr).not.toContain('{"level"');
    const json = await runCli([...args, '--log-format', 'json'], { env });
    expect(json.stderr).toContain('"msg":"run/end"');
  });
});

describe('--watch', () => {
  it('runs, waits, and runs again after a journey file changes (two runs, then SIGTERM: exit 0)', async () => {
    const journey = join(dir, 'probes', 'noop.ts');
    const src = (description: string) => `import { journey, step } from ${JSON.stringify(join(ROOT, 'src/index.ts'))};
export default journey({ name: 'noop', description: ${JSON.stringify(description)}, capability: 'wait', steps: [step('noop', { service: 'api' }, async () => {})] });
`;
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'probes'), { recursive: true });
    writeFileSync(journey, src('first version'));
    writeFileSync(
      join(dir, 'prober.config.json'),
      JSON.stringify({ environment: 'watch', targets: { api: 'http://127.0.0.1:9' }, probes: ['probes/*.ts'] }),
    );
    const child = spawn(process.execPath, [BIN, 'run', '--watch'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let waiting: { test: () => boolean; resolve: () => void } | undefined;
    const check = () => waiting?.test() === true && waiting.resolve();
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      check();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      check();
    });
    const until = (test: () => boolean) =>
      new Promise<void>((resolve) => {
        waiting = { test, resolve };
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await until(() => /run 1 ended \(exit 0\); watching/.test(stderr));
      expect(stdout).toContain('noop (first version)');
      writeFileSync(journey, src('second version'));
      await until(() => /run 2 ended \(exit 0\)/.test(stderr));
      expect(stderr).toContain('change detected, running again');
      expect(stdout).toContain('noop (second version)');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout.match(/PASS: 1 journey/g)).toHaveLength(2);
  });
});

describeWithBrowser('--trace on', () => {
  it('writes a scrubbed trace for a passing browser journey', async () => {
    const cwd = mkdtempSync(join(dir, 'trace-'));
    const cli = await runCli(
      [
        'run',
        '--config',
        join(ROOT, 'test/fixtures/browser-sandbox.ts'),
        ...targets,
        '--trace',
        'on',
        '--reporter',
        'json',
      ],
      { env, cwd },
    );
    expect(cli.code, cli.stderr).toBe(0);
    const result = RunResult.parse(JSON.parse(cli.stdout));
    expect(['pass', 'degraded']).toContain(result.status);
    const trace = join(cwd, 'artifacts', result.runId, 'golden-path-browser', 'trace.zip');
    expect(existsSync(trace)).toBe(true);
    expect(readFileSync(trace).subarray(0, 2).toString()).toBe('PK');
    expect(readFileSync(trace).includes(Buffer.from(password))).toBe(false);
  });
});
