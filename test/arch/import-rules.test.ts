import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

// The repo's own .dependency-cruiser.cjs, run by the real depcruise CLI (as `npm run lint:imports` does) over a tiny
// tree laid out like src/: every rule must name the import that breaks it, and the allowed imports must pass. This
// keeps the rules' bite tested after the one-off demonstration in the issue's closing note.

const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

/** Fixture files: each import is either a violation listed in VIOLATIONS or an allowed one listed in ALLOWED. */
const TREE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
  }),
  // Stand-ins for npm packages: the rules match them by their node_modules path.
  'node_modules/undici/package.json': JSON.stringify({ name: 'undici', version: '0.0.0', main: 'index.js' }),
  'node_modules/undici/index.js': 'exports.Agent = class {};\n',
  'node_modules/node-cron/package.json': JSON.stringify({ name: 'node-cron', version: '0.0.0', main: 'index.js' }),
  'node_modules/node-cron/index.js': 'exports.validate = () => true;\n',
  'node_modules/playwright-core/package.json': JSON.stringify({
    name: 'playwright-core',
    version: '0.0.0',
    types: 'index.d.ts',
  }),
  'node_modules/playwright-core/index.d.ts': 'export interface Page { url(): string }\n',
  'src/redact.ts': 'export const redact = (s: string) => s;\n',
  'src/index.ts': "export { journey } from './journey/define.js';\n",
  'src/journey/define.ts': "import type { Page } from 'playwright-core';\nexport const journey = (p?: Page) => p;\n",
  'src/journey/errors.ts': 'export class ProberSetupError extends Error {}\n',
  'src/journey/reach.ts': "import { connect } from 'node:net';\nexport const reach = connect;\n",
  // The reachability check as it is: a port in the core, the connect in a step adapter.
  'src/journey/reach-port.ts': "import type { Socket } from 'node:net';\nexport type Reach = () => Socket;\n",
  'src/steps/tcp.ts': "import { connect } from 'node:net';\nexport const tcp = connect;\n",
  'src/journey/runner.ts': [
    "import { Agent } from 'undici';",
    "import { redact } from '../redact.js';",
    "import { consoleReporter } from '../report/console.js';",
    "import { ProberSetupError } from './errors.js';",
    'export const run = () => [Agent, redact, consoleReporter, ProberSetupError];',
  ].join('\n'),
  'src/journey/step-ports.ts':
    "import type { HttpOptions } from '../steps/http-options.js';\nexport type Port = HttpOptions;\n",
  'src/steps/http-options.ts': 'export interface HttpOptions { url: string }\n',
  'src/steps/http.ts': [
    "import type { Port } from '../journey/step-ports.js';",
    "import { consoleReporter } from '../report/console.js';",
    'export const http = (p: Port) => [p, consoleReporter];',
  ].join('\n'),
  'src/steps/cycle-a.ts': "import { b } from './cycle-b.js';\nexport const a = () => b;\n",
  'src/steps/cycle-b.ts': "import { a } from './cycle-a.js';\nexport const b = () => a;\n",
  // A cycle made only of a type import one way: it still counts.
  'src/store/type-a.ts': "import type { B } from './type-b.js';\nexport interface A { b?: B }\n",
  'src/store/type-b.ts': "import type { A } from './type-a.js';\nexport interface B { a?: A }\n",
  'src/store/load-sqlite.ts': 'export const openSqlite = () => undefined;\n',
  'src/report/console.ts': "import { send } from '../alert/channel.js';\nexport const consoleReporter = send;\n",
  'src/report/page.ts': "import type { A } from '../store/type-a.js';\nexport type Page = A;\n",
  'src/store/open-store.ts': 'export const openStore = () => undefined;\n',
  // The composition root builds on everything below it; only the entry points use it.
  'src/assemble/root.ts':
    "import { openStore } from '../store/open-store.js';\nexport const assemble = () => openStore;\n",
  'src/api/prober.ts': [
    "import { assemble } from '../assemble/root.js';",
    "import { openStore } from '../store/open-store.js';",
    'export const createProber = [assemble, openStore];',
  ].join('\n'),
  'src/schedule/daemon.ts': "import { assemble } from '../assemble/root.js';\nexport const start = assemble;\n",
  'src/schedule/job.ts': "import { assemble } from '../assemble/root.js';\nexport const job = assemble;\n",
  'src/alert/channel.ts': 'export const send = () => undefined;\n',
  'src/sandbox/auth.ts': [
    "import { ProberSetupError } from '../journey/errors.js';",
    "import { openSqlite } from '../store/load-sqlite.js';",
    'export const auth = [ProberSetupError, openSqlite];',
  ].join('\n'),
  'src/config/schema.ts': [
    "import { validate } from 'node-cron';",
    "import { Agent } from 'undici';",
    "import { send } from '../alert/channel.js';",
    "import { ProberSetupError } from '../journey/errors.js';",
    "import { redact } from '../redact.js';",
    "import { CronSchema } from './cron.js';",
    'export const schema = [validate, Agent, send, ProberSetupError, redact, CronSchema];',
  ].join('\n'),
  // The one config file allowed to load node-cron (the cron schema).
  'src/config/cron.ts': "import { validate } from 'node-cron';\nexport const CronSchema = validate;\n",
  'src/cli/early-signals.ts': 'export const takeEarlySignal = () => undefined;\n',
  'src/cli/selection.ts': 'export const select = () => [];\n',
  'src/schedule/shutdown.ts':
    "import { takeEarlySignal } from '../cli/early-signals.js';\nexport const s = takeEarlySignal;\n",
  'src/cli/commands/run.ts': [
    "import { validate } from './validate.js';",
    "import { select } from '../selection.js';",
    "import { s } from '../../schedule/shutdown.js';",
    'export const run = [validate, select, s];',
  ].join('\n'),
  'src/cli/commands/validate.ts': 'export const validate = () => 0;\n',
  'probes/api.ts': [
    "import { journey } from '../src/index.js';",
    "import { auth } from '../src/sandbox/auth.js';",
    'export default [journey, auth];',
  ].join('\n'),
};

/** rule, from, to: every one must be reported, and nothing else (cycles are checked separately below). */
const VIOLATIONS: [rule: string, from: string, to: string][] = [
  ['journey-no-adapter-packages', 'src/journey/runner.ts', 'node_modules/undici/index.js'],
  ['journey-is-the-core', 'src/journey/runner.ts', 'src/report/console.ts'],
  ['journey-no-network', 'src/journey/reach.ts', 'net'],
  ['journey-is-the-core', 'src/journey/step-ports.ts', 'src/steps/http-options.ts'],
  ['steps-not-report', 'src/steps/http.ts', 'src/report/console.ts'],
  ['report-not-alert', 'src/report/console.ts', 'src/alert/channel.ts'],
  ['sandbox-is-standalone', 'src/sandbox/auth.ts', 'src/journey/errors.ts'],
  ['sandbox-is-standalone', 'src/sandbox/auth.ts', 'src/store/load-sqlite.ts'],
  ['report-not-store', 'src/report/page.ts', 'src/store/type-a.ts'],
  ['assemble-is-for-entry-points', 'src/schedule/job.ts', 'src/assemble/root.ts'],
  ['entry-points-do-not-assemble', 'src/api/prober.ts', 'src/store/open-store.ts'],
  ['config-no-adapter-packages', 'src/config/schema.ts', 'node_modules/undici/index.js'],
  ['config-cron-in-one-place', 'src/config/schema.ts', 'node_modules/node-cron/index.js'],
  ['config-is-a-leaf', 'src/config/schema.ts', 'src/alert/channel.ts'],
  ['cli-is-the-top', 'src/schedule/shutdown.ts', 'src/cli/early-signals.ts'],
  ['no-command-imports-command', 'src/cli/commands/run.ts', 'src/cli/commands/validate.ts'],
  ['probes-not-sandbox', 'probes/api.ts', 'src/sandbox/auth.ts'],
  ['probes-use-public-api', 'probes/api.ts', 'src/sandbox/auth.ts'],
];

const CYCLES = [
  ['src/steps/cycle-a.ts', 'src/steps/cycle-b.ts'],
  ['src/store/type-a.ts', 'src/store/type-b.ts'],
];

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

let dir = '';
let violations: Violation[] = [];
let errRun: { code: number; output: string };

/** Runs depcruise in the fixture tree; the exit code is non-zero only for the `err` output type, as npm test runs it. */
function depcruise(outputType: 'json' | 'err'): Promise<{ code: number; output: string }> {
  const args = [DEPCRUISE, 'src', 'probes', '--config', CONFIG, '--output-type', outputType];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: dir, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, output: stdout + stderr });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpp-import-rules-'));
  for (const [file, text] of Object.entries(TREE)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const [json, err] = await Promise.all([depcruise('json'), depcruise('err')]);
  violations = (JSON.parse(json.output) as { summary: { violations: Violation[] } }).summary.violations;
  errRun = err;
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('the import rules (.dependency-cruiser.cjs) on a fixture tree', () => {
  it('fail the run as npm test runs it: a non-zero exit, each violation on an "error <rule>" line', () => {
    expect(errRun.code).not.toBe(0);
    expect(errRun.output).toMatch(
      /^ {2}error journey-is-the-core: src\/journey\/runner\.ts → src\/report\/console\.ts$/m,
    );
    expect(errRun.output).toMatch(/^ {2}error no-circular: src\/steps\/cycle-/m);
    expect(violations.every((v) => v.rule.severity === 'error')).toBe(true);
  });

  it.each(VIOLATIONS)('%s: %s → %s is reported', (rule, from, to) => {
    expect(violations).toContainEqual(
      expect.objectContaining({ from, to, rule: expect.objectContaining({ name: rule }) }),
    );
  });

  it.each(CYCLES)('no-circular: the cycle %s ↔ %s is reported', (a, b) => {
    const circular = violations.filter((v) => v.rule.name === 'no-circular');
    expect(circular.some((v) => (v.from === a && v.to === b) || (v.from === b && v.to === a))).toBe(true);
  });

  it('report nothing else: the allowed imports (journey → redact.ts, steps → journey, config → journey, config/cron.ts → node-cron, the API and the daemon → the composition root, the root → a store, a command → a shared CLI helper, probes → src/index.ts, a type import of playwright-core or node:net in journey/, node:net in steps/) pass', () => {
    const others = violations
      .filter((v) => v.rule.name !== 'no-circular')
      .map((v): [string, string, string] => [v.rule.name, v.from, v.to]);
    expect(new Set(others.map((v) => v.join(' ')))).toEqual(new Set(VIOLATIONS.map((v) => v.join(' '))));
    const inCycles = new Set(CYCLES.flat());
    expect(violations.filter((v) => v.rule.name === 'no-circular' && !inCycles.has(v.from))).toEqual([]);
  });
});
