import { basename, dirname, relative } from 'node:path';
import { journey, step, type JourneyDefinition } from '../journey/define.js';
import type { SuiteConfig, SuiteTestRef } from './suite-config.js';
import type { BeginEvent } from './suite-events.js';
import type { ListingKey } from './suite-list-cache.js';
import { journeyTests, suiteJourneyPlan } from './suite-list.js';

/** A journey that stands for tests of a Playwright suite; run by the suite runner, never step by step. */
export type SuiteJourney = JourneyDefinition & { readonly suite: SuiteTestRef };

export function isSuiteJourney(def: JourneyDefinition): def is SuiteJourney {
  return (def as { suite?: unknown }).suite !== undefined;
}

/** A spec file Playwright could not load, which the runs of the suite leave out. */
export interface BrokenFile {
  file: string;
  message: string;
  location?: string;
}

/** What a listing of a suite gave (from `playwright test --list`, or from the `begin` of a run of the whole suite). */
export interface SuiteListing {
  begin: BeginEvent;
  broken: BrokenFile[];
}

export interface SuitePlace {
  /** Index of the suite in the config's `suites`. */
  index: number;
  s: SuiteConfig;
  /** Absolute path of the Playwright config file. */
  configFile: string;
}

/**
 * The journeys of one suite from its listing: one per test (or spec file), one per spec file that does not load.
 * `problem` when the suite's service has no target URL.
 */
export function suiteJourneysOf(
  listed: SuiteListing,
  at: SuitePlace,
  targets: Readonly<Record<string, string>>,
): { journeys: { def: SuiteJourney; file: string }[] } | { problem: { path: string; message: string; hint: string } } {
  const defaultService = at.s.service ?? serviceForBaseUrl(listed.begin, targets);
  if (targets[defaultService] === undefined)
    return {
      problem: {
        path: `suites[${at.index}].service`,
        message: `"${defaultService}" has no target URL`,
        hint: `add targets.${defaultService}`,
      },
    };
  const plan = suiteJourneyPlan(journeyTests(listed.begin), listed.broken, {
    suite: at.index,
    suiteName: suiteNameFor(at),
    configFile: at.configFile,
    mapping: at.s.mapping,
    defaultService,
    rootDir: dirname(at.configFile),
  });
  return { journeys: plan.map((ref) => ({ def: suiteJourney(ref, at.s), file: shownFile(ref) })) };
}

/**
 * `prober run` of every test of a suite whose listing is not cached (a CI checkout): one journey for the whole
 * suite instead of a `playwright test --list` first, a second Playwright process that costs about as much as the
 * run's own start-up. The run's reporter `begin` is the listing; the runner turns it into the per-test journeys
 * (src/suite/run-deferred-suite.ts). Its name is seen only when the run could not start.
 */
export function wholeSuiteJourney(at: SuitePlace, cacheKey?: ListingKey): { def: SuiteJourney; file: string } {
  const suiteName = suiteNameFor(at);
  const ref: SuiteTestRef = {
    name: `${suiteName}: every test`,
    suite: at.index,
    suiteName,
    configFile: at.configFile,
    brokenFiles: [],
    tests: [],
    whole: { cacheKey },
    defaultService: at.s.service ?? 'web',
    tags: [],
  };
  return { def: suiteJourney(ref, at.s), file: relative(process.cwd(), at.configFile) };
}

export function suiteNameFor(at: Pick<SuitePlace, 's' | 'configFile'>): string {
  if (at.s.name !== undefined) return at.s.name;
  const name = basename(dirname(at.configFile))
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return name === '' ? 'playwright' : name;
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
        : ref.whole !== undefined
          ? `every test of the Playwright suite ${shownFile(ref)}`
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

/** The target whose origin is the project's `use.baseURL`: the service a suite's pages belong to. */
function serviceForBaseUrl(begin: BeginEvent, targets: Readonly<Record<string, string>>): string {
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
