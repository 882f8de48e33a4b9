import { performance } from 'node:perf_hooks';
import type { BeginEvent } from '../config/suite-events.js';
import { type BrokenFile, type SuiteJourney, suiteJourneysOf } from '../config/suite-journeys.js';
import { writeCachedListing } from '../config/suite-list-cache.js';
import { loadErrorsOf } from '../config/suite-list.js';
import { runSuiteProcess, type SuiteProcessOptions, type SuiteProcessRun } from './suite-process.js';

export interface WholeSuiteRun {
  /** The suite's journeys from the run's own listing; the whole-suite journey alone when nothing was listed. */
  defs: SuiteJourney[];
  run: SuiteProcessRun;
  /** Why the run's listing gave no journeys (the suite's service has no target URL). */
  problem?: string;
}

/**
 * A whole suite not listed beforehand (a `prober run` of everything, the listing not cached): the run itself is the
 * listing. Its reporter `begin` names every test, so one Playwright process does what `--list` and the run did.
 * A spec that does not load makes Playwright run nothing: then the run is repeated without it, as the listing
 * would have been, in the time left. The listing is cached for the next run.
 */
export async function runWholeSuite(
  whole: SuiteJourney,
  p: Omit<SuiteProcessOptions, 'broken' | 'locations'>,
): Promise<WholeSuiteRun> {
  const t0 = performance.now();
  const broken: BrokenFile[] = [];
  let run = await runSuiteProcess({ ...p, broken: [] });
  const found = loadErrorsOf(run.events, broken);
  const ranNothing = !run.events.some((e) => e.type === 'test/begin');
  if (found.other === undefined && found.broken.length > 0 && ranNothing && !run.exit.timedOut && !run.exit.aborted) {
    broken.push(...found.broken);
    const left = p.timeoutMs - (performance.now() - t0);
    run = await runSuiteProcess({ ...p, broken: broken.map((b) => b.file), timeoutMs: left });
  }
  const begin = run.events.find((e): e is BeginEvent => e.type === 'begin');
  if (begin === undefined) return { defs: [whole], run };
  const listed = { begin, broken };
  const at = { index: whole.suite.suite, s: p.s, configFile: whole.suite.configFile };
  const planned = suiteJourneysOf(listed, at, p.options.targets);
  if ('problem' in planned)
    return { defs: [whole], run, problem: `${planned.problem.path}: ${planned.problem.message}` };
  const key = whole.suite.whole?.cacheKey;
  if (key !== undefined) writeCachedListing(key, listed);
  return { defs: planned.journeys.map((j) => j.def), run };
}
