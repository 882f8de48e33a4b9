import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Discovered } from './discover-journeys.js';
import { problem } from './problems.js';
import { proberReporterPath, resolvePlaywrightCli, runPlaywright } from './playwright-cli.js';
import type { ProberConfig } from './schema.js';
import { resolveSuiteEnv, type SuiteConfig } from './suite-config.js';
import { type BeginEvent, readSuiteEvents, type SuiteEvent } from './suite-events.js';
import {
  type BrokenFile,
  type SuiteListing,
  type SuitePlace,
  suiteJourneysOf,
  suiteNameFor,
  wholeSuiteJourney,
} from './suite-journeys.js';
import { firstLine, loadErrorsOf, suiteArgs } from './suite-list.js';
import { type ListingKey, listingCacheEnabled, readCachedListing, writeCachedListing } from './suite-list-cache.js';

export { isSuiteJourney, type SuiteJourney } from './suite-journeys.js';

const LIST_TIMEOUT_MS = 60_000;

export function mergeDiscovered(into: Discovered, more: Discovered): void {
  into.journeys.push(...more.journeys);
  into.problems.push(...more.problems);
}

/**
 * The journeys of every configured suite, from `playwright test --list` (Playwright has no programmatic loader):
 * one per test (or per spec file), and one per spec file that does not load, which is judged `error` without
 * running. The listing is repeated without the broken files, because one file that does not load makes Playwright
 * list (and run) nothing at all. With `wholeSuite` (a `prober run` of every journey), a suite whose listing is not
 * cached is one journey that the run itself lists (see `wholeSuiteJourney`), unless the config names one of its
 * journeys (an override must match a listed name).
 */
export async function discoverSuites(
  config: Pick<ProberConfig, 'suites' | 'targets' | 'variables'> & { journeys?: Record<string, unknown> },
  baseDir: string,
  env: NodeJS.ProcessEnv,
  o: { wholeSuite?: boolean } = {},
): Promise<Discovered> {
  const out: Discovered = { journeys: [], problems: [] };
  for (const [i, s] of config.suites.entries()) {
    const where = `suites[${i}]`;
    const configFile = resolve(baseDir, s.config);
    if (!existsSync(configFile)) {
      out.problems.push(
        problem(`${where}.config`, `Playwright config not found: ${s.config} (relative to ${baseDir})`),
      );
      continue;
    }
    const cli = resolvePlaywrightCli(configFile);
    if ('problem' in cli) {
      out.problems.push(problem(where, cli.problem));
      continue;
    }
    // The suite's env without its secrets (listing needs none): a config that reads WEB_URL for baseURL sees it.
    const suiteEnv = resolveSuiteEnv(s, { targets: config.targets, variables: config.variables });
    const at: SuitePlace = { index: i, s, configFile };
    const key = listingKey(cli, configFile, s, suiteEnv);
    const cached = listingCacheEnabled(env) ? readCachedListing(key) : undefined;
    if (cached === undefined && o.wholeSuite === true && wholeSuiteAllowed(config, at)) {
      out.journeys.push(wholeSuiteJourney(at, listingCacheEnabled(env) ? key : undefined));
      continue;
    }
    const listed =
      cached ?? (await freshListing(key, () => listSuite(cli.cli, configFile, s, { ...env, ...suiteEnv }), env));
    if ('problem' in listed) {
      out.problems.push(problem(where, listed.problem));
      continue;
    }
    const planned = suiteJourneysOf(listed, at, config.targets);
    if ('problem' in planned)
      out.problems.push(problem(planned.problem.path, planned.problem.message, planned.problem.hint));
    else out.journeys.push(...planned.journeys);
  }
  return out;
}

/** A whole-suite journey stands in only when nothing needs the per-test names before the run. */
function wholeSuiteAllowed(
  config: Pick<ProberConfig, 'targets'> & { journeys?: Record<string, unknown> },
  at: SuitePlace,
): boolean {
  const prefix = `${suiteNameFor(at)}: `;
  const named = Object.keys(config.journeys ?? {}).some((name) => name.startsWith(prefix));
  const service = at.s.service ?? 'web';
  return (
    !named &&
    (at.s.service === undefined ? Object.keys(config.targets).length > 0 : config.targets[service] !== undefined)
  );
}

type Listed = SuiteListing | { problem: string };

/** What a listing of this suite depends on besides its files (see suite-list-cache.ts). */
export function listingKey(
  cli: { cli: string; version: string },
  configFile: string,
  s: SuiteConfig,
  suiteEnv: Record<string, string>,
): ListingKey {
  const reporter = proberReporterPath();
  const args = suiteArgs(configFile, s, { reporters: [reporter], broken: [] });
  return { cli: cli.cli, cliVersion: cli.version, reporter, configFile, args, env: suiteEnv };
}

async function freshListing(key: ListingKey, list: () => Promise<Listed>, env: NodeJS.ProcessEnv): Promise<Listed> {
  const listed = await list();
  if (!('problem' in listed) && listingCacheEnabled(env)) writeCachedListing(key, listed);
  return listed;
}

async function listSuite(cli: string, configFile: string, s: SuiteConfig, env: NodeJS.ProcessEnv): Promise<Listed> {
  const broken: BrokenFile[] = [];
  // A second pass only when the first found files that do not load: Playwright then listed nothing.
  for (let pass = 0; pass < 2; pass++) {
    const args = [
      '--list',
      ...suiteArgs(configFile, s, {
        reporters: [proberReporterPath()],
        broken: broken.map((b) => b.file),
      }),
    ];
    const listed = await listOnce(cli, configFile, args, env);
    if ('problem' in listed) return listed;
    const found = loadErrorsOf(listed.events, broken);
    if (found.other !== undefined) return { problem: `Playwright could not list the suite: ${found.other}` };
    const begin = listed.events.find((e): e is BeginEvent => e.type === 'begin');
    if (found.broken.length === 0 && begin !== undefined) return { begin, broken };
    broken.push(...found.broken);
  }
  return { problem: 'Playwright kept reporting spec files that do not load' };
}

async function listOnce(
  cli: string,
  configFile: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ events: SuiteEvent[] } | { problem: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'prober-list-'));
  const file = join(dir, 'events.ndjson');
  try {
    const exit = await runPlaywright(cli, args, {
      cwd: dirname(configFile),
      env: { ...env, PROBER_SUITE_EVENTS: file },
      timeoutMs: LIST_TIMEOUT_MS,
      tag: randomUUID(),
    });
    const events = readSuiteEvents(file);
    if (events.length === 0)
      return {
        problem: `playwright test --list ${exit.timedOut ? `did not finish in ${LIST_TIMEOUT_MS} ms` : `failed (exit ${exit.code})`}: ${firstLine(exit.stderr || exit.stdout)}`,
      };
    return { events };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
