import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { journey, step, type JourneyDefinition } from '../journey/define.js';
import type { Discovered } from './discover-journeys.js';
import { problem } from './problems.js';
import { proberReporterPath, resolvePlaywrightCli, runPlaywright } from './playwright-cli.js';
import type { ProberConfig } from './schema.js';
import { resolveSuiteEnv, type SuiteConfig, type SuiteTestRef } from './suite-config.js';
import { type BeginEvent, readSuiteEvents, type SuiteEvent } from './suite-events.js';
import { journeyTests, suiteArgs, suiteJourneyPlan } from './suite-list.js';
import { type ListingKey, listingCacheEnabled, readCachedListing, writeCachedListing } from './suite-list-cache.js';

/** A journey that stands for tests of a Playwright suite; run by the suite runner, never step by step. */
export type SuiteJourney = JourneyDefinition & { readonly suite: SuiteTestRef };

export function isSuiteJourney(def: JourneyDefinition): def is SuiteJourney {
  return (def as { suite?: unknown }).suite !== undefined;
}

const LIST_TIMEOUT_MS = 60_000;

export function mergeDiscovered(into: Discovered, more: Discovered): void {
  into.journeys.push(...more.journeys);
  into.problems.push(...more.problems);
}

/**
 * The journeys of every configured suite, from `playwright test --list` (Playwright has no programmatic loader):
 * one per test (or per spec file), and one per spec file that does not load, which is judged `error` without
 * running. The listing is repeated without the broken files, because one file that does not load makes Playwright
 * list (and run) nothing at all.
 */
export async function discoverSuites(
  config: Pick<ProberConfig, 'suites' | 'targets' | 'variables'>,
  baseDir: string,
  env: NodeJS.ProcessEnv,
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
    const listed = await cachedListing(
      listingKey(cli, configFile, s, suiteEnv),
      () => listSuite(cli.cli, configFile, s, { ...env, ...suiteEnv }),
      env,
    );
    if ('problem' in listed) {
      out.problems.push(problem(where, listed.problem));
      continue;
    }
    const defaultService = s.service ?? serviceForBaseUrl(listed.begin, config.targets);
    if (config.targets[defaultService] === undefined) {
      out.problems.push(
        problem(`${where}.service`, `"${defaultService}" has no target URL`, `add targets.${defaultService}`),
      );
      continue;
    }
    const plan = suiteJourneyPlan(journeyTests(listed.begin), listed.broken, {
      suite: i,
      suiteName: s.name ?? suiteNameOf(configFile),
      configFile,
      mapping: s.mapping,
      defaultService,
      rootDir: dirname(configFile),
    });
    for (const ref of plan) out.journeys.push({ def: suiteJourney(ref, s), file: shownFile(ref) });
  }
  return out;
}

interface BrokenFile {
  file: string;
  message: string;
  location?: string;
}
type Listed = { begin: BeginEvent; broken: BrokenFile[] } | { problem: string };

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

async function cachedListing(key: ListingKey, list: () => Promise<Listed>, env: NodeJS.ProcessEnv): Promise<Listed> {
  if (!listingCacheEnabled(env)) return list();
  const cached = readCachedListing(key);
  if (cached !== undefined) return cached;
  const listed = await list();
  if (!('problem' in listed)) writeCachedListing(key, listed);
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
    const errors = listed.events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
    const other = errors.find((e) => e.location === undefined);
    if (other !== undefined) return { problem: `Playwright could not list the suite: ${firstLine(other.message)}` };
    const begin = listed.events.find((e): e is BeginEvent => e.type === 'begin');
    if (errors.length === 0 && begin !== undefined) return { begin, broken };
    for (const e of errors) {
      const file = e.location?.file ?? '';
      if (!broken.some((b) => b.file === file))
        broken.push({
          file,
          message: firstLine(e.message),
          location: `${relative(process.cwd(), file)}:${e.location?.line ?? 0}`,
        });
    }
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

function suiteJourney(ref: SuiteTestRef, s: SuiteConfig): SuiteJourney {
  const first = ref.tests[0];
  const title = ref.loadError !== undefined ? basename(ref.brokenFiles[0] ?? 'spec') : (first?.title ?? ref.suiteName);
  const secrets = Object.values(s.env).flatMap((v) => (typeof v === 'object' && 'secret' in v ? [v.secret] : []));
  const variables = Object.values(s.env).flatMap((v) => (typeof v === 'object' && 'variable' in v ? [v.variable] : []));
  const def = journey({
    name: ref.name,
    description:
      ref.loadError !== undefined
        ? `Playwright spec ${shownFile(ref)}, which does not load`
        : `Playwright test${ref.tests.length > 1 ? 's' : ''} ${ref.tests.map((t) => `${relative(process.cwd(), t.file)}:${t.line}`).join(', ')}`,
    capability: `complete "${title}"`,
    tags: ['playwright', ...ref.tags],
    timeoutMs: s.timeoutMs,
    needs: { secrets, variables },
    steps: [
      // A placeholder so the journey's service and timeout are known before it runs: the real steps are the
      // test.step()s Playwright reports. Only the suite runner runs a suite journey.
      step(title, { service: ref.defaultService, timeoutMs: s.timeoutMs }, () => {
        throw new Error('a Playwright suite journey runs only through `prober run` or `prober schedule`');
      }),
    ],
  });
  return Object.freeze({ ...def, suite: ref });
}

function shownFile(ref: SuiteTestRef): string {
  const file = ref.loadError !== undefined ? ref.brokenFiles[0] : ref.tests[0]?.file;
  return relative(process.cwd(), file ?? ref.configFile);
}

function suiteNameOf(configFile: string): string {
  const name = basename(dirname(configFile))
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return name === '' ? 'playwright' : name;
}

/** The target whose origin is the project's `use.baseURL`: the service a suite's pages belong to. */
function serviceForBaseUrl(begin: BeginEvent, targets: Record<string, string>): string {
  const base = begin.projects.map((p) => p.baseURL).find((u) => u !== undefined);
  if (base !== undefined) {
    const origin = safeOrigin(base);
    const hit = Object.entries(targets).find(([, url]) => safeOrigin(url) === origin);
    if (hit !== undefined) return hit[0];
  }
  return targets.web !== undefined ? 'web' : (Object.keys(targets)[0] ?? 'web');
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? 'no output'
  );
}
