import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedProject } from '../support/packed-project.js';

// A journey or config file imports `golden-path-prober` for `journey`, `step` and `defineConfig`. That import must
// not load the config schema's heavy neighbours: alert channels (undici), node-cron, the scheduler. Loading them
// there once gave journey files a second copy of undici that failed with "Illegal constructor"; alert delivery
// papered over it by importing undici lazily. These tests pin both: what the import loads, and that the CLI with
// an alert channel configured validates and runs journeys that import the package.

/** A module resolve hook that appends every resolved URL to $LOAD_LOG. */
const RECORDER = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.LOAD_LOG, r.url + '\\n');
  return r;
}
`;

/** Imports the package as a journey file does, then (the control) the programmatic API, which loads everything. */
const CHECK = `import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
register('./record.mjs', import.meta.url);
const api = await import('golden-path-prober');
if (typeof api.defineConfig !== 'function' || typeof api.journey !== 'function') process.exit(3);
appendFileSync(process.env.LOAD_LOG, '--- run() called\\n');
const r = await api.run({ config: { environment: 'x', targets: { web: process.env.WEB_URL }, probes: ['j.ts'] } });
if (r.status !== 'pass') process.exit(4);
`;

/** External packages behind the scheduler, the loader, the stores and the browser: seen as resolved URLs. */
const HEAVY_EXTERNAL = ['node-cron', 'esbuild', 'pg', 'playwright-core'].map(
  (name) => new RegExp(`/node_modules/${name}/`),
);
/**
 * dist/ is bundled (scripts/bundle.mjs): undici, ws and our own folders live inside shared chunks, which esbuild
 * marks with a `// path` comment per bundled source file. A chunk carrying one of these was loaded with it.
 */
const HEAVY_BUNDLED = [
  '// node_modules/undici/',
  '// node_modules/ws/',
  '// src/alert/',
  '// src/schedule/',
  '// src/steps/',
];

/** The package's own files among the resolved URLs, read back. */
async function packageCode(urls: string): Promise<string> {
  const files = [
    ...new Set(urls.split('\n').filter((u) => u.startsWith('file://') && u.includes('/golden-path-prober/dist/'))),
  ];
  return (await Promise.all(files.map((u) => readFile(new URL(u), 'utf8')))).join('\n');
}

const JOURNEY = `import { journey, step } from 'golden-path-prober';
export default journey({ name: 'home', description: 'home page answers', capability: 'browse',
  steps: [step('get', { service: 'web' }, async (ctx) => { await ctx.http.get(ctx.target('web')); })] });
`;

let target: Server;
let targetUrl: string;
/** Bodies POSTed to the target's /hook: the webhook channel's deliveries. */
const hooks: string[] = [];
beforeAll(async () => {
  target = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/hook') hooks.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const address = target.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  targetUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise((resolve) => target.close(resolve)));

describe('importing golden-path-prober from a journey or config file', () => {
  it('loads none of the I/O libraries behind alert channels, step kinds or the scheduler; running a journey then does', async () => {
    const project = packedProject();
    const dir = await project.workspace({ 'record.mjs': RECORDER, 'check.mjs': CHECK, 'j.ts': JOURNEY });
    const log = join(dir, 'loaded.txt');
    await promisify(execFile)(process.execPath, ['check.mjs'], {
      cwd: dir,
      env: { ...process.env, LOAD_LOG: log, WEB_URL: targetUrl },
    });
    const [journeyImport, afterRun] = (await readFile(log, 'utf8')).split('--- run() called\n') as [string, string];
    expect(journeyImport).toContain('/golden-path-prober/dist/index.js');
    for (const heavy of HEAVY_EXTERNAL) expect(journeyImport).not.toMatch(heavy);
    const loaded = await packageCode(journeyImport);
    for (const marker of HEAVY_BUNDLED) expect(loaded, marker).not.toContain(marker);
    // The same checks see these modules when they do load (run() ran a journey over HTTP), so their absence above
    // means something.
    expect(afterRun).toMatch(/\/node_modules\/node-cron\//);
    const all = await packageCode(`${journeyImport}\n${afterRun}`);
    for (const marker of ['// node_modules/undici/', '// src/steps/']) expect(all, marker).toContain(marker);
  });

  it('a TypeScript config with defineConfig and a webhook channel validates, runs a journey that imports the package, and delivers', async () => {
    const project = packedProject();
    const dir = await project.workspace({
      'prober.config.ts': `import { defineConfig } from 'golden-path-prober';
export default defineConfig({
  environment: 'packed',
  targets: { web: '${targetUrl}' },
  probes: ['j.ts'],
  alerts: { channels: { ops: { type: 'webhook', url: '\${env:HOOK_URL}' } } },
});
`,
      'j.ts': JOURNEY,
    });
    const env = { HOOK_URL: `${targetUrl}/hook` };
    const validate = await project.prober(['validate', '--config', 'prober.config.ts'], { cwd: dir, env });
    expect(validate.stderr).not.toContain('Illegal constructor');
    expect(validate.code).toBe(0);
    const run = await project.prober(['run', '--config', 'prober.config.ts', '--reporter', 'json'], { cwd: dir, env });
    expect(run.stderr).not.toContain('Illegal constructor');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'pass' });
    // Delivery through the bundled CLI's undici (a static import again): the test notification reaches the hook.
    const test = await project.prober(['alert', 'test', '--config', 'prober.config.ts'], { cwd: dir, env });
    expect(test.code).toBe(0);
    expect(hooks.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(hooks[0]!)).toMatchObject({ state: 'firing' });
  });
});
