import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { readZip } from '../../src/steps/browser-trace-scrub.js';
import { ChromiumProcesses } from '../browser/chromium-processes.js';
import type { CliResult } from '../support/cli.js';
import { packedProject } from '../support/packed-project.js';
import { expectNoSecrets } from '../support/secrets.js';

const SUITE = new URL('./chat-suite/', import.meta.url);
const FILES = [
  'playwright.config.ts',
  'tests/auth.setup.pw.ts',
  'tests/chat-fixture.ts',
  'tests/chat.pw.ts',
  'tests/hang.pw.ts',
];

/** The bundled browser journey's step deadlines, as test/fixtures/browser-sandbox.ts gives them on a loaded box. */
const BUNDLED = `'golden-path-browser': {
      timeoutMs: 60_000,
      steps: {
        'web.open': { timeoutMs: 20_000, budgetMs: 15_000 },
        'web.login': { timeoutMs: 20_000, budgetMs: 15_000 },
        'web.chat.send': { timeoutMs: 15_000, budgetMs: 10_000 },
        'web.chat.reply': { timeoutMs: 5_000, budgetMs: 4_500 },
        'web.logout': { timeoutMs: 15_000 },
      },
    }`;

/**
 * A user's project: the packed golden-path-prober and a real @playwright/test from the npm registry, the chat suite
 * (test/suites/chat-suite) and a prober config that schedules it next to the bundled browser journey. The password
 * reaches the suite only as the environment variable the suite reads, from the config's secret.
 */
export async function suiteWorkspace(o: { extra?: Record<string, string>; suite?: string; journeys?: string } = {}) {
  const files: Record<string, string> = Object.fromEntries(
    FILES.map((f) => [f, readFileSync(new URL(f, SUITE), 'utf8')]),
  );
  files['prober.config.ts'] = `import { defineConfig } from 'golden-path-prober';

export default defineConfig({
  environment: 'suite-test',
  targets: { auth: 'http://127.0.0.1:9', backend: 'http://127.0.0.1:9', web: 'http://127.0.0.1:9' },
  probes: ['../node_modules/golden-path-prober/probes/golden-path-browser.ts'],
  secrets: { password: '\${env:SANDBOX_PASSWORD}' },
  variables: { email: 'probe@sandbox.test' },
  browser: { trace: 'on-failure' },
  suites: [
    {
      config: 'playwright.config.ts',
      name: 'chat-suite',
      ${o.suite ?? "grepInvert: '@hang',\n      timeoutMs: 60_000,"}
      env: { E2E_PASSWORD: { secret: 'password' }, E2E_EMAIL: { variable: 'email' }, WEB_URL: { target: 'web' } },
    },
  ],
  journeys: { ${o.journeys ?? BUNDLED} },
});
`;
  Object.assign(files, o.extra ?? {});
  return packedProject().workspace(files);
}

export const targetsOf = (sandbox: Sandbox) =>
  (['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]);

export interface SuiteRun {
  cli: CliResult;
  result: RunResult;
  procs: ChromiumProcesses;
}

/**
 * `prober run` in the workspace, with the canary as the password: asserts it appears nowhere (stdout, stderr, the
 * JSON result, every artifact, every entry of every kept trace) and that no Chromium of the run is left.
 */
export async function runSuite(ws: string, sandbox: Sandbox, canary: string, args: string[] = []): Promise<SuiteRun> {
  const procs = new ChromiumProcesses(randomUUID(), mkdtempSync(join(tmpdir(), 'prober-suite-tmp-')));
  const file = join(ws, `result-${randomUUID()}.json`);
  const cli = await packedProject().prober(
    [
      'run',
      '--config',
      'prober.config.ts',
      ...targetsOf(sandbox),
      '--reporter',
      'console',
      '--reporter',
      `json=${file}`,
      ...args,
    ],
    { cwd: ws, env: { SANDBOX_PASSWORD: canary, ...procs.env }, timeoutMs: 120_000 },
  );
  expect(existsSync(file), `no JSON result; stderr: ${cli.stderr}`).toBe(true);
  const json = readFileSync(file, 'utf8');
  expectNoSecrets('stdout', cli.stdout, canary);
  expectNoSecrets('stderr', cli.stderr, canary);
  expectNoSecrets('JSON', json, canary);
  expectNoCanaryIn(join(ws, 'artifacts'), canary);
  expect(await procs.settle(0)).toBe(0);
  return { cli, result: RunResult.parse(JSON.parse(json)), procs };
}

/** Every file under `dir`, traces entry by entry, holds neither the canary nor a token. */
export function expectNoCanaryIn(dir: string, canary: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const data = readFileSync(path);
    // A trace also holds the app's own page source, whose script says `'Bearer ' + token`: the bearer pattern would
    // flag code, so trace entries are checked for the canary and for tokens (every token the sandbox mints is a JWT).
    if (path.endsWith('.zip'))
      for (const e of readZip(data)) {
        const text = e.data.toString('latin1');
        expect(text.includes(canary), `${name}:${e.name} contains the canary password`).toBe(false);
        expect(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/.test(text), `${name}:${e.name} contains a JWT`).toBe(false);
      }
    else expectNoSecrets(name, data.toString('latin1'), canary);
  }
}
