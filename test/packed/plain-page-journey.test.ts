import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { RunResult, type JourneyResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeWithBrowser } from '../browser/browser-gate.js';
import { lanes } from '../support/lanes.js';
import { poll } from '../support/poll.js';

/** A daemon with a browser journey starts slowly on a loaded machine. */
const SLOW = { timeoutMs: 60_000, everyMs: 200 };
import { hasStackTrace } from '../support/cli.js';
import { packedProject, type PackedProject } from '../support/packed-project.js';
import { expectNoSecrets } from '../support/secrets.js';

/**
 * A browser journey as a user writes it from the README, in a fresh project with the packed package: plain
 * `ctx.page` calls, no helpers. The prober must judge it exactly as it judges the bundled probe (which uses the
 * helpers), fault by fault, and an app that is down must read as an outage, never as "could not judge".
 */
const PLAIN = `import { journey, step } from 'golden-path-prober';

export default journey({
  name: 'plain-browser',
  description: 'log in and chat through the web UI, written with ctx.page only',
  capability: 'log in and chat in the web app',
  needs: { browser: true, secrets: ['password'], variables: ['email'] },
  steps: [
    step('web.open', { service: 'web' }, async (ctx) => {
      await ctx.page.goto(\`\${ctx.target('web')}/login\`);
      await ctx.page.getByLabel('Email', { exact: true }).waitFor();
    }),
    step('web.login', { service: 'auth' }, async (ctx) => {
      await ctx.page.getByLabel('Email', { exact: true }).fill(ctx.variable('email'));
      await ctx.page.getByLabel('Password', { exact: true }).fill(ctx.secret('password'));
      await ctx.page.getByRole('button', { name: 'Log in' }).click();
      await ctx.page.getByRole('heading', { name: 'Chat' }).waitFor();
    }),
    step('web.chat.send', { service: 'backend' }, async (ctx) => {
      await ctx.page.getByLabel('Message', { exact: true }).fill('hello from a plain journey');
      await ctx.page.getByRole('button', { name: 'Send' }).click();
      await ctx.page.locator('[data-role="user"][data-acked="true"]').waitFor();
    }),
    step('web.chat.reply', { service: 'backend' }, async (ctx) => {
      await ctx.page.locator('[data-role="assistant"][data-state="complete"]').waitFor();
    }),
  ],
});
`;

const EMAIL = 'probe@sandbox.test';
const password = `canary-${randomBytes(9).toString('hex')}`;
const ESC = '\u001b';
// Generous deadlines for a loaded two-core box; a failing wait takes its step's whole deadline.
const STEPS = {
  'web.open': { timeoutMs: 12_000 },
  'web.login': { timeoutMs: 15_000 },
  'web.chat.send': { timeoutMs: 12_000 },
  'web.chat.reply': { timeoutMs: 12_000 },
};
const BOTH = {
  'golden-path-browser': { timeoutMs: 70_000, steps: { ...STEPS, 'web.logout': { timeoutMs: 12_000 } } },
  'plain-browser': { timeoutMs: 70_000, steps: STEPS },
};
/**
 * The step a fault row expects to fail waits for its whole deadline (the page never shows what it waits for), row
 * after row: that step alone gets a short one. What it fails on (the document's status, the page's own login call, a
 * document that never answers) is there within milliseconds, so 5 s only shortens the wait, not what is judged.
 */
const FAILING_STEP = { timeoutMs: 5_000 };
/**
 * Where the deadline itself is the verdict (a document that hangs), 8 s: a timeout is the one verdict the stall
 * policy reconsiders, and on a loaded box the prober lost a quarter of 5 s to its own stalls (error/prober).
 */
const FAILING_BY_DEADLINE = { timeoutMs: 8_000 };
function failingAt(step: string, byDeadline: boolean): Record<string, unknown> {
  const deadline = byDeadline ? FAILING_BY_DEADLINE : FAILING_STEP;
  const short = (steps: Record<string, unknown>) => ({ ...steps, [step]: deadline });
  return Object.fromEntries(
    Object.entries(BOTH).map(([name, settings]) => [name, { ...settings, steps: short(settings.steps) }]),
  );
}

function config(targets: Record<string, string>, journeys: Record<string, unknown> = BOTH): string {
  return JSON.stringify({
    environment: 'packed-browser',
    targets,
    probes: ['*.ts'],
    secrets: { password: '${env:PACKED_PASSWORD}' },
    variables: { email: EMAIL },
    browser: { artifactsDir: 'artifacts' },
    journeys,
  });
}

function noEscapes(where: string, text: string): void {
  expect(text.includes(ESC), `${where} holds an ANSI escape`).toBe(false);
  expect(text.includes('\\u001b'), `${where} holds an escaped ANSI escape`).toBe(false);
}

async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const outcome = (j: JourneyResult | undefined) => ({
  status: j?.status,
  step: j?.failure?.step,
  category: j?.failure?.category,
});

describeWithBrowser('a plain ctx.page journey from the packed package is judged as the bundled probe is', () => {
  let project: PackedProject;
  let bundled: string;
  beforeAll(async () => {
    project = packedProject();
    // The bundled probe, as shipped: it imports only golden-path-prober and golden-path-prober/browser.
    bundled = await readFile(
      join(project.root, 'node_modules/golden-path-prober/probes/golden-path-browser.ts'),
      'utf8',
    );
    expect(bundled).not.toMatch(/from '\.\.?\//);
  });

  const control = (sandbox: Sandbox, method: string, body?: unknown) =>
    fetch(`${sandbox.urls.control}/faults`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });

  /** Both journeys in one `prober run` against `sandbox`; the step expected to fail (if any) gets a short deadline. */
  async function both(
    sandbox: Sandbox,
    expected: { step?: string; category?: string },
  ): Promise<{ plain: JourneyResult; bundled: JourneyResult; code: number | null }> {
    const failing = expected.step;
    const { auth, backend, web } = sandbox.urls;
    const cwd = await project.workspace({
      'plain-browser.ts': PLAIN,
      'golden-path-browser.ts': bundled,
      'prober.config.json': config(
        { auth, backend, web },
        failing === undefined ? BOTH : failingAt(failing, expected.category === 'timeout'),
      ),
    });
    const r = await project.prober(['run', '--config', 'prober.config.json', '--reporter', 'json'], {
      cwd,
      env: { PACKED_PASSWORD: password },
      timeoutMs: 150_000,
    });
    for (const [where, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
    ] as const) {
      expectNoSecrets(where, text, password);
      noEscapes(where, text);
    }
    expect(hasStackTrace(r.stderr)).toBe(false);
    const result = RunResult.parse(JSON.parse(r.stdout));
    const find = (name: string) => result.journeys.find((j) => j.journey === name)!;
    return { plain: find('plain-browser'), bundled: find('golden-path-browser'), code: r.code };
  }

  // Every fault the sandbox offers on the browser's own path (the web documents), plus the login call the page makes.
  const FAULTS: [fault: string | undefined, expected: { status: string; step?: string; category?: string }][] = [
    [undefined, { status: 'pass' }],
    ['web.page=http500', { status: 'fail', step: 'web.open', category: 'http_status' }],
    ['web.page=http404', { status: 'fail', step: 'web.open', category: 'http_status' }],
    ['web.page=hang', { status: 'fail', step: 'web.open', category: 'timeout' }],
    ['web.page=reset', { status: 'fail', step: 'web.open', category: 'network' }],
    ['web.page=refuse', { status: 'fail', step: 'web.open', category: 'network' }],
    ['web.page=slow:300', { status: 'pass' }],
    ['web.login=http500', { status: 'fail', step: 'web.login', category: 'http_status' }],
    ['web.login=http401', { status: 'fail', step: 'web.login', category: 'auth' }],
  ];

  type Expected = (typeof FAULTS)[number][1];
  async function row(fault: string | undefined, expected: Expected): Promise<void> {
    const sandbox = await startSandbox({ users: [{ email: EMAIL, password }] });
    try {
      // Through the control endpoint, which answers once a port-closing fault (refuse) has taken effect.
      if (fault !== undefined) expect((await control(sandbox, 'POST', { fault })).status).toBe(204);
      const { plain, bundled, code } = await both(sandbox, expected);
      expect(outcome(bundled)).toEqual({ step: undefined, category: undefined, ...expected });
      expect(outcome(plain)).toEqual(outcome(bundled));
      expect(code).toBe(expected.status === 'pass' ? 0 : 1);
      expect((await control(sandbox, 'DELETE')).status).toBe(204);
    } finally {
      await sandbox.close();
    }
  }

  // Each row its own sandbox (so its own fault), two rows at a time: most of a row is Chromium starting and a
  // failing step waiting out its deadline. The row judged by a deadline (hang) runs after them on its own (and with
  // a longer one, above): with other rows' Chromium beside it on a loaded box the prober rightly said its own stall
  // had eaten a quarter of its 5 s (error/prober) in a CI run.
  const lane = lanes(2);
  const byDeadline = ([, expected]: (typeof FAULTS)[number]) => expected.category === 'timeout';
  it.concurrent.each(FAULTS.filter((f) => !byDeadline(f)))(
    '%s: the plain journey and the bundled probe agree',
    (fault, expected) => lane(() => row(fault, expected)),
    200_000,
  );
  it.each(FAULTS.filter(byDeadline))('%s: the plain journey and the bundled probe agree', row, 200_000);

  it('golden-path-prober/browser ships its types: a journey using the helpers type-checks in the fresh project', async () => {
    const withHelpers = `import { journey, step } from 'golden-path-prober';
import { firstVisible, onPage, openDocument, type Page } from 'golden-path-prober/browser';

const open = onPage(async (page: Page, ctx) => {
  await openDocument(page, \`\${ctx.target('web')}/login\`, ctx.signal);
  const which: number = await firstVisible([page.getByLabel('Email'), page.getByRole('alert')], ctx.signal);
  if (which === 1) ctx.fail('assertion', 'the login page shows an error');
});

export default journey({ name: 'typed', description: 'd', capability: 'c', needs: { browser: true }, steps: [step('web.open', { service: 'web' }, open)] });
`;
    const broken = withHelpers.replace('ctx.signal);\n  const which', 'ctx.signal, 42);\n  const which');
    const tsconfig = JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      include: ['*.ts'],
    });
    const ws = await project.workspace({ 'typed.ts': withHelpers, 'tsconfig.json': tsconfig });
    const tsc = join(project.root, 'node_modules/typescript/bin/tsc');
    const run = (cwd: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => resolve({ code, out }));
      });
    const good = await run(ws);
    expect(good.out).toBe('');
    expect(good.code).toBe(0);
    // And the check bites: a wrong call is a type error, so the types really came from the package.
    const bad = await run(await project.workspace({ 'typed.ts': broken, 'tsconfig.json': tsconfig }));
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/typed\.ts\(\d+,\d+\): error TS2554/);
  }, 120_000);

  it('app stopped: fail / network at the first step, exit 1, never "could not judge"', async () => {
    const down = await closedPortUrl();
    const stopped = await project.workspace({
      'plain-browser.ts': PLAIN,
      'prober.config.json': config(
        { auth: down, backend: down, web: down },
        { 'plain-browser': BOTH['plain-browser'] },
      ),
    });
    const r = await project.prober(['run', '--config', 'prober.config.json', '--reporter', 'json'], {
      cwd: stopped,
      env: { PACKED_PASSWORD: password },
    });
    noEscapes('stdout', r.stdout);
    noEscapes('stderr', r.stderr);
    expect(r.code).toBe(1);
    const j = RunResult.parse(JSON.parse(r.stdout)).journeys[0]!;
    expect(j).toMatchObject({ status: 'fail', failure: { step: 'web.open', category: 'network' } });
    expect(j.failure!.message).toMatch(/connection refused \(net::ERR_CONNECTION_REFUSED\)/);
    expect(j.verdict).toMatch(/^Users cannot log in and chat in the web app/);
    expect(r.stderr).not.toMatch(/could not judge/i);
  });

  it('app stopped under prober schedule: the status page shows it failing and prober_journey_up is 0', async () => {
    const down = await closedPortUrl();
    // Every 5 s; the journey's deadline is shorter than the interval, as `prober schedule` requires.
    const journeys = {
      'plain-browser': { schedule: '*/5 * * * * *', timeoutMs: 3_500, steps: { 'web.open': { timeoutMs: 3_000 } } },
    };
    const ws = await project.workspace({
      'plain-browser.ts': PLAIN,
      'prober.config.json': config({ auth: down, backend: down, web: down }, journeys),
    });
    const child = spawn(
      process.execPath,
      [project.bin, 'schedule', '--config', 'prober.config.json', '--port', '0', '--store', 'state.db'],
      {
        cwd: ws,
        env: { ...process.env, NO_COLOR: '1', PACKED_PASSWORD: password },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = once(child, 'close');
    try {
      const url = await poll(
        'the daemon to print its URL',
        () => /status page (http:\/\/[^\s/]+)\//.exec(out)?.[1],
        SLOW,
      );
      const metrics = await poll(
        'prober_journey_up to say 0',
        async () => {
          const text = await (await fetch(`${url}/metrics`)).text();
          return /prober_journey_up\{[^}]*journey="plain-browser"[^}]*\} 0\b/.test(text) ? text : undefined;
        },
        SLOW,
      );
      expect(metrics).toMatch(/prober_journey_up\{[^}]*journey="plain-browser"[^}]*\} 0\b/);
      const page = await (await fetch(`${url}/`)).text();
      expect(page).toContain('plain-browser');
      expect(page).toContain('Failing');
      const stored = await (await fetch(`${url}/api/results?journey=plain-browser&limit=5`)).text();
      expect(stored).toContain('"category":"network"');
      for (const [where, text] of [
        ['status page', page],
        ['metrics', metrics],
        ['store (/api/results)', stored],
      ] as const)
        noEscapes(where, text);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    noEscapes('daemon stdout', out);
    noEscapes('daemon stderr', err);
    expect(child.exitCode).toBe(0);
  }, 120_000);
});
