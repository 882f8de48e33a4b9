import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The oldest `@playwright/test` whose Reporter API, `--list` JSON and CLI flags the suite runner relies on. */
export const MIN_PLAYWRIGHT = [1, 40] as const;

export type PlaywrightCli = { cli: string; version: string } | { problem: string };

/**
 * The user's own `playwright test` CLI, resolved from the folder of their Playwright config the way their own
 * `npx playwright` would find it: never ours, so a suite runs with exactly the Playwright it was written for.
 */
export function resolvePlaywrightCli(configFile: string): PlaywrightCli {
  let pkgFile: string;
  try {
    pkgFile = createRequire(join(dirname(configFile), 'noop.js')).resolve('@playwright/test/package.json');
  } catch {
    return {
      problem: `@playwright/test is not installed for ${configFile}; run \`npm install -D @playwright/test\` in that project`,
    };
  }
  const version = String((JSON.parse(readFileSync(pkgFile, 'utf8')) as { version?: unknown }).version ?? '0.0.0');
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < MIN_PLAYWRIGHT[0] || (major === MIN_PLAYWRIGHT[0] && minor < MIN_PLAYWRIGHT[1]))
    return {
      problem: `@playwright/test ${version} is too old for suites; upgrade to ${MIN_PLAYWRIGHT.join('.')} or newer`,
    };
  return { cli: join(dirname(pkgFile), 'cli.js'), version };
}

export interface PlaywrightProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The process group, and every process carrying `tag` in its environment, is killed at this deadline. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Marks the suite's processes (Chromium inherits the environment) so none survives the deadline. */
  tag: string;
}

export interface PlaywrightExit {
  code: number | null;
  timedOut: boolean;
  aborted: boolean;
  stdout: string;
  stderr: string;
}

const TAG_VAR = 'PROBER_SUITE_TAG';
/** After SIGINT (Playwright's own graceful stop: it closes its browsers) the rest is SIGKILLed after this. */
const GRACE_MS = 2_000;
const OUTPUT_CAP = 256 * 1024;

/**
 * Runs `node <cli> test ...args` in its own process group. At the deadline (or abort) the group gets SIGINT, then
 * SIGKILL, and then every process whose environment carries the run's tag: Playwright starts Chromium detached, in a
 * process group of its own, so killing the runner's group alone would leave the browser behind.
 */
export function runPlaywright(
  cli: string,
  args: readonly string[],
  o: PlaywrightProcessOptions,
): Promise<PlaywrightExit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'test', ...args], {
      cwd: o.cwd,
      env: { ...o.env, [TAG_VAR]: o.tag, FORCE_COLOR: '0' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-OUTPUT_CAP)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-OUTPUT_CAP)));
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      killGroup(child.pid, 'SIGINT');
      killTimer ??= setTimeout(() => killGroup(child.pid, 'SIGKILL'), GRACE_MS);
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      stop();
    }, o.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted === true) onAbort();
    const finish = (code: number | null) => {
      clearTimeout(deadline);
      if (killTimer !== undefined) clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      // Whatever ended it, nothing of the run may outlive it: stragglers of the group, detached browsers.
      killGroup(child.pid, 'SIGKILL');
      killTagged(o.tag);
      resolve({ code, timedOut, aborted, stdout, stderr });
    };
    child.on('error', (err) => {
      stderr += String(err);
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
}

/** Linux: the process groups of every process whose environment holds `PROBER_SUITE_TAG=<tag>`, SIGKILLed. */
function killTagged(tag: string): void {
  const mark = `${TAG_VAR}=${tag}\0`;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return; // not Linux: the group kill above is all there is
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').includes(mark)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgid > 1) killGroup(pgid, 'SIGKILL');
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
}

/**
 * The prober's reporter file, for `--reporter`: next to this module when it runs from tsc's output or the sources,
 * under `suite/` when it runs from the bundle (dist/chunk-*.js). Playwright loads a `.ts` reporter itself.
 */
export function proberReporterPath(): string {
  const candidates = ['../suite/prober-reporter.js', './suite/prober-reporter.js', '../suite/prober-reporter.ts'];
  for (const c of candidates) {
    const path = fileURLToPath(new URL(c, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('the prober reporter for Playwright suites is missing from the package');
}
