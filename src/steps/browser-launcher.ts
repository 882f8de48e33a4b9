import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserType } from 'playwright-core';
import { BrowserConfigSchema, type BrowserSettings, type ProberConfig } from '../config/schema.js';
import { StepFailure } from '../journey/errors.js';
import { launchFailureLine } from './browser-failure.js';

export type { BrowserSettings } from '../config/schema.js';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Playwright is loaded only when a browser is actually needed: an API-only `prober run` from cron should not pay
 * for it at start-up (it is the heaviest module the prober has).
 */
function chromiumType(): BrowserType {
  try {
    return (createRequire(import.meta.url)('playwright-core') as { chromium: BrowserType }).chromium;
  } catch (err) {
    // An optional dependency: `npm ci --omit=optional` leaves it out for API-only installs.
    if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
    throw new StepFailure(
      'prober',
      'playwright-core is not installed: browser journeys need it; run npm i playwright-core',
    );
  }
}

/** What the user reads when no browser can be found: the two ways out, in one line. */
export const INSTALL_HINT =
  'no Chromium found: install one (apt-get install chromium) or set browser.executablePath in the config';

// Background networking and component updates would make the prober phone home and add noise to every run;
// the GPU is useless headless and its process is the first to crash in containers.
const ALWAYS_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-gpu',
];

/** The section as configured, or the schema's defaults when it is absent. */
export function browserSettings(section: ProberConfig['browser'] | undefined): BrowserSettings {
  return section ?? BrowserConfigSchema.parse({});
}

export interface ExecutableChoice {
  path: string;
  source: 'config' | 'playwright' | 'system';
}

/**
 * Config wins, even when it is wrong (a typo must surface, not silently fall back to another browser);
 * then Playwright's own download, if present; then Debian's package.
 */
export function chooseExecutable(
  configured: string | undefined,
  exists: (path: string) => boolean = isExecutableFile,
): ExecutableChoice | undefined {
  if (configured !== undefined) return { path: configured, source: 'config' };
  const bundled = playwrightExecutable();
  if (bundled !== undefined && exists(bundled)) return { path: bundled, source: 'playwright' };
  if (exists(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, source: 'system' };
  return undefined;
}

/** True when a browser would be found and the file is there: lets `prober demo` skip browser journeys politely. */
export function browserAvailable(settings: Pick<BrowserSettings, 'executablePath'>): boolean {
  const choice = chooseExecutable(settings.executablePath);
  return choice !== undefined && isExecutableFile(choice.path);
}

export function launchArgs(settings: Pick<BrowserSettings, 'args'>, isRoot = process.getuid?.() === 0): string[] {
  // Chromium refuses to start its sandbox as root; elsewhere the sandbox stays on.
  return [...ALWAYS_ARGS, ...(isRoot ? ['--no-sandbox'] : []), ...settings.args];
}

export interface LaunchOptions {
  /** Environment for Chromium. Default: the prober's own environment. */
  env?: Record<string, string | undefined>;
  /** Bound on the launch itself. */
  timeoutMs?: number;
}

/**
 * Launches Chromium, or throws a `prober` StepFailure: a browser that will not start says nothing about the
 * environment under test, so it must yield status `error`, never "users cannot log in".
 */
export async function launchChromium(settings: BrowserSettings, options: LaunchOptions = {}): Promise<Browser> {
  const choice = chooseExecutable(settings.executablePath);
  if (choice === undefined) throw new StepFailure('prober', INSTALL_HINT);
  if (!isExecutableFile(choice.path)) {
    const what = choice.source === 'config' ? `browser.executablePath "${choice.path}"` : choice.path;
    throw new StepFailure(
      'prober',
      `${what} is not an executable file; install Chromium (apt-get install chromium) or fix the path`,
    );
  }
  const isRoot = process.getuid?.() === 0;
  try {
    return await chromiumType().launch({
      executablePath: choice.path,
      headless: settings.headless,
      args: launchArgs(settings, isRoot),
      chromiumSandbox: !isRoot,
      // The prober owns shutdown: it closes the browser itself in `finally`, after reporting the aborted run.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: options.timeoutMs ?? 30_000,
      ...(options.env === undefined ? {} : { env: options.env }),
    });
  } catch (err) {
    const launch = { headless: settings.headless, env: options.env ?? process.env };
    throw new StepFailure('prober', launchFailureLine(choice.path, err, launch), { cause: err });
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function playwrightExecutable(): string | undefined {
  try {
    return chromiumType().executablePath();
  } catch {
    // Playwright throws when its registry has no entry for this platform: that only means "not installed".
    return undefined;
  }
}
