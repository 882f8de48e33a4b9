import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { packedProject } from '../support/packed-project.js';
import { startEndpoint } from '../safety/server-fixture.js';

/**
 * No Docker engine here: the image's filesystem layout is rebuilt in a temp dir ("the image root") from the
 * Dockerfile's own lines (global install path, the /node_modules link), with the packed package standing in for the
 * global install, and a mounted folder with a config and a journey that import only `golden-path-prober`.
 */
const DOCKERFILE = readFileSync(join(import.meta.dirname, '../../deploy/docker/Dockerfile'), 'utf8');
const PASSWORD = 'image-canary-password';

const JOURNEY = `import { journey, step, z } from 'golden-path-prober';
export default journey({
  name: 'token-only',
  description: 'the auth service issues a token',
  needs: { secrets: ['password'], variables: ['email'] },
  steps: [
    step('auth.token', { service: 'auth' }, async (ctx) => {
      const res = await ctx.http.post(\`\${ctx.target('auth')}/auth/login\`, { json: { email: ctx.variable('email'), password: ctx.secret('password') } });
      ctx.markSecret((await res.json(z.object({ access_token: z.string().min(1) }))).access_token);
    }),
  ],
});
`;
const config = (urls: Sandbox['urls'], journeyFile: string) => `import { defineConfig } from 'golden-path-prober';
export default defineConfig({
  environment: 'image',
  targets: { auth: '${urls.auth}', backend: '${urls.backend}', web: '${urls.web}' },
  probes: ['${journeyFile}'],
  secrets: { password: '\${env:IMAGE_PASSWORD}' },
  variables: { email: 'probe@example.com' },
});
`;

let sandbox: Sandbox;
let root: string;
let globalPkg: string;
let link: { target: string; path: string };

beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@example.com', password: PASSWORD }] });
  root = mkdtempSync(join(tmpdir(), 'prober-image-root-'));
  const installed = DOCKERFILE.match(/npm install -g [^\n]*golden-path-prober-\*\.tgz/);
  expect(installed, 'the image installs the packed tarball globally').not.toBeNull();
  const ln = /ln -s (\/usr\/local\/lib\/node_modules\/golden-path-prober) (\/node_modules\/golden-path-prober)\b/.exec(
    DOCKERFILE,
  );
  expect(ln, 'the image links the global install into /node_modules').not.toBeNull();
  link = { target: ln![1]!, path: ln![2]! };
  // The global install: the packed package as npm installed it (its dependencies resolve from its real path).
  globalPkg = join(root, link.target);
  mkdirSync(dirname(globalPkg), { recursive: true });
  symlinkSync(join(packedProject().root, 'node_modules', 'golden-path-prober'), globalPkg);
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(root, { recursive: true, force: true });
});

function prober(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(globalPkg, 'bin', 'prober.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', IMAGE_PASSWORD: PASSWORD, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 80_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A folder as `docker run -v "$PWD/prober:/work"` mounts it: no package.json, no node_modules of its own. */
function mount(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

describe('deploy/docker/Dockerfile', () => {
  it('runs as a non-root user with tini, Debian Chromium, the prober on PATH and /work as the mounted folder', () => {
    expect((DOCKERFILE.match(/^FROM \S+/gm) ?? []).every((f) => f.startsWith('FROM node:20'))).toBe(true);
    expect(DOCKERFILE).toMatch(/apt-get install[^\n]*\bchromium\b/);
    expect(DOCKERFILE).toMatch(/^USER (?!root|0\b)\S+$/m);
    expect(DOCKERFILE).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "prober"\]$/m);
    expect(DOCKERFILE).toMatch(/^WORKDIR \/work$/m);
    expect(DOCKERFILE).toMatch(
      /ln -s \/usr\/local\/lib\/node_modules\/golden-path-prober\/bin\/prober\.js \/usr\/local\/bin\/prober/,
    );
  });

  it('HEALTHCHECK: its command passes against a live daemon’s /livez (even behind auth) and fails when none answers', async () => {
    const line = /^HEALTHCHECK [^\n]*\\\n\s+CMD (\[.*\])$/m.exec(DOCKERFILE);
    const [node, flag, script] = JSON.parse(line?.[1] ?? '[]') as string[];
    expect([node, flag]).toEqual(['node', '-e']);
    const daemon = await startEndpoint({ auth: { bearerToken: '${env:T}' } }, { env: { T: 'token-of-the-test' } });
    // A child process, awaited: the daemon answers from this process's event loop, which spawnSync would block.
    const check = (url: string) =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, ['-e', script ?? ''], { env: { ...process.env, PROBER_HEALTH_URL: url } }).on(
          'close',
          resolve,
        ),
      );
    try {
      expect(await check(`${daemon.url}/livez`)).toBe(0);
      expect(await check(`${daemon.url}/metrics`)).toBe(1); // behind the token: the check really reads the status
    } finally {
      await daemon.close();
    }
    expect(await check(daemon.url.replace(/:\d+$/, ':9'))).toBe(1);
  });

  it.each([
    ['TypeScript (compiled as CommonJS: no package.json in the mount)', 'work-ts', 'prober.config.ts', 'journey.ts'],
    ['ESM (.mts)', 'work-esm', 'prober.config.mts', 'journey.mts'],
  ])(
    'a mounted %s config and journey import golden-path-prober through the /node_modules link',
    async (_what, name, cfg, journeyFile) => {
      mkdirSync(dirname(join(root, link.path)), { recursive: true });
      rmSync(join(root, link.path), { force: true });
      symlinkSync(join(root, link.target), join(root, link.path));
      const dir = mount(name, { [cfg]: config(sandbox.urls, journeyFile), [journeyFile]: JOURNEY });
      const r = await prober(['run', '--config', join(dir, cfg), '--reporter', 'json'], dir);
      expect(r.stderr).not.toContain('Cannot find');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        environment: 'image',
        status: 'pass',
        journeys: [{ journey: 'token-only', status: 'pass' }],
      });
    },
  );

  it('without the link, NODE_PATH pointing at the global folder does not help an ESM journey (why the image links)', async () => {
    rmSync(join(root, link.path), { force: true });
    const dir = mount('work-nolink', {
      'prober.config.mts': config(sandbox.urls, 'journey.mts'),
      'journey.mts': JOURNEY,
    });
    const r = await prober(['run', '--config', join(dir, 'prober.config.mts')], dir, {
      NODE_PATH: dirname(join(root, link.target)),
    });
    expect(r.code).toBe(2);
    // Node's own words, or the config loader's (it resolves package imports as Node does, from the file's folder).
    expect(r.stderr).toMatch(/(Cannot find (package|module)|Could not resolve) ['"]golden-path-prober['"]/);
  });
});
