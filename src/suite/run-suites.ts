import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { isSuiteJourney, type SuiteJourney } from '../config/suite-journeys.js';
import type { LoadedConfig } from '../config/load-config.js';
import { resolvePlaywrightCli } from '../config/playwright-cli.js';
import type { SuiteConfig } from '../config/suite-config.js';
import type { SuiteEvent } from '../config/suite-events.js';
import { forgetCachedListings } from '../config/suite-list-cache.js';
import type { JourneyDefinition } from '../journey/define.js';
import { summarizeRun } from '../journey/derive-verdict.js';
import { randomHexId } from '../journey/random-id.js';
import type { JourneyResult, RunResult } from '../journey/result-schema.js';
import { runJourneys, type RunOptions } from '../journey/run.js';
import { keepSuiteEvidence } from './suite-artifacts.js';
import { reportFileIn, runSuiteProcess, type SuiteProcessOptions, type SuiteProcessRun } from './suite-process.js';
import { suiteJourneyResult } from './suite-results.js';
import type { SuiteRunFacts } from './suite-run-facts.js';
import { runWholeSuite } from './whole-suite.js';

/**
 * `runJourneys` for a selection that may hold journeys from Playwright suites: the prober's own journeys run as
 * always, each suite's selected tests run in one `playwright test` process alongside, and the results are merged
 * into one `prober.run/v1` result in the order selected. Without suite journeys it is `runJourneys` itself.
 */
export async function runJourneysWithSuites(
  loaded: Pick<LoadedConfig, 'config' | 'journeys'>,
  journeys: readonly JourneyDefinition[],
  options: RunOptions,
): Promise<RunResult> {
  const suites = journeys.filter(isSuiteJourney);
  if (suites.length === 0) return runJourneys(journeys, options);
  const own = journeys.filter((j) => !isSuiteJourney(j));
  const runId = options.runId ?? randomUUID();
  const t0 = performance.now();
  const [ownResult, suiteResults] = await Promise.all([
    runJourneys(own, { ...options, runId }),
    runSuiteJourneys(loaded, suites, { ...options, runId }),
  ]);
  const byName = new Map<string, JourneyResult[]>([
    ...ownResult.journeys.map((j): [string, JourneyResult[]] => [j.journey, [j]]),
    ...suiteResults,
  ]);
  // In the order selected; a whole-suite journey stands for the journeys its run listed.
  const ordered = journeys.flatMap((j) => byName.get(j.name) ?? []);
  const { status, summary } = summarizeRun(ordered);
  return options.redactor.scrubDeep({
    ...ownResult,
    durationMs: Math.round(performance.now() - t0),
    finishedAt: new Date().toISOString(),
    status,
    summary,
    journeys: ordered,
  });
}

/** The results of each selected suite journey by its name (a whole-suite journey's: every test's). */
async function runSuiteJourneys(
  loaded: Pick<LoadedConfig, 'config' | 'journeys'>,
  defs: readonly SuiteJourney[],
  options: RunOptions & { runId: string },
): Promise<[string, JourneyResult[]][]> {
  const bySuite = new Map<number, SuiteJourney[]>();
  for (const d of defs) bySuite.set(d.suite.suite, [...(bySuite.get(d.suite.suite) ?? []), d]);
  const runs = [...bySuite].map(async ([index, group]) => {
    const s = loaded.config.suites[index];
    if (s === undefined) throw new Error(`suite ${index} is not in the config`);
    const results = await runOneSuite(s, group, loaded, options);
    const whole = group.find((d) => d.suite.whole !== undefined);
    if (whole !== undefined) return [[whole.name, results]] as [string, JourneyResult[]][];
    return results.map((r) => [r.journey, [r]] as [string, JourneyResult[]]);
  });
  return (await Promise.all(runs)).flat();
}

async function runOneSuite(
  s: SuiteConfig,
  defs: readonly SuiteJourney[],
  loaded: Pick<LoadedConfig, 'config' | 'journeys'>,
  options: RunOptions & { runId: string },
): Promise<JourneyResult[]> {
  const startedAt = new Date();
  const traceId = randomHexId(16);
  const whole = defs.find((d) => d.suite.whole !== undefined);
  // A whole suite's journeys are known once its run listed them: they start then.
  if (whole === undefined) for (const d of defs) options.onEvent?.({ type: 'journey/start', journey: d.name });
  const runnable = defs.filter((d) => d.suite.tests.length > 0 || d.suite.whole !== undefined);
  const first = runnable[0]?.suite ?? defs[0]?.suite;
  const deadlineMs = Math.max(...defs.map((d) => options.overrides?.[d.name]?.timeoutMs ?? d.timeoutMs));
  const base: SuiteRunFacts = {
    events: [],
    timedOut: false,
    aborted: false,
    deadlineMs,
    startedAt,
    targets: options.targets,
    traceId,
    requests: new Map(),
    artifacts: new Map(),
  };
  if (runnable.length === 0 || first === undefined) return finish(defs, base, options);
  const cli = resolvePlaywrightCli(first.configFile);
  if ('problem' in cli) return finish(defs, { ...base, exitProblem: cli.problem }, options);
  const work = await mkdtemp(join(tmpdir(), 'prober-suite-'));
  try {
    const proc = { cli: cli.cli, configFile: first.configFile, s, work, timeoutMs: deadlineMs, traceId, options };
    const ran =
      whole !== undefined ? await runWholeSuite(whole, proc) : await runSelectedTests(loaded, defs, runnable, proc);
    const { run, problem, defs: judged } = ran;
    if (whole !== undefined) for (const d of judged) options.onEvent?.({ type: 'journey/start', journey: d.name });
    const evidence = await keepSuiteEvidence(run.events, judged, {
      dir: loaded.config.browser?.artifactsDir ?? 'artifacts',
      runId: options.runId,
      redactor: options.redactor,
      reportFile: reportFileIn(work),
    });
    const stderr = options.redactor
      .scrub(run.exit.stderr || run.exit.stdout)
      .split('\n')
      .find((l) => l.trim() !== '');
    return finish(
      judged,
      {
        ...base,
        events: run.events,
        timedOut: run.exit.timedOut,
        aborted: run.exit.aborted,
        exitProblem: problem ?? stderr?.trim(),
        requests: evidence.requests,
        artifacts: evidence.artifacts,
      },
      options,
    );
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The selected tests of a listed suite in one `playwright test` process, named by location unless every test of the
 * suite is selected (then Playwright runs them all). A test the listing named that the run did not find means the
 * listing is out of date: it is forgotten, and the run's problem says so.
 */
async function runSelectedTests(
  loaded: Pick<LoadedConfig, 'config' | 'journeys'>,
  defs: readonly SuiteJourney[],
  runnable: readonly SuiteJourney[],
  proc: Omit<SuiteProcessOptions, 'broken' | 'locations'>,
): Promise<{ defs: readonly SuiteJourney[]; run: SuiteProcessRun; problem?: string }> {
  const first = runnable[0]!.suite;
  const allSelected = countSuiteJourneys(loaded, first.suite) === defs.length;
  const locations = allSelected
    ? undefined
    : [...new Set(runnable.flatMap((d) => d.suite.tests.map((t) => `${t.file}:${t.line}`)))];
  const run = await runSuiteProcess({ ...proc, broken: first.brokenFiles, locations });
  const stale = staleListing(run.events, runnable);
  if (stale === undefined) return { defs, run };
  forgetCachedListings(proc.cli, proc.configFile);
  return {
    defs,
    run,
    problem: `the suite changed since it was listed (${stale} is no longer in it); the next run lists it again`,
  };
}

function finish(
  defs: readonly SuiteJourney[],
  facts: Parameters<typeof suiteJourneyResult>[1],
  options: RunOptions,
): JourneyResult[] {
  return defs.map((d) => {
    const result = suiteJourneyResult(d, facts);
    for (const step of result.steps) options.onEvent?.({ type: 'step/end', journey: d.name, result: step });
    options.onEvent?.({ type: 'journey/end', result });
    return result;
  });
}

/** A test the (cached) listing named that the run's own Playwright did not find: the listing is out of date. */
function staleListing(events: readonly SuiteEvent[], defs: readonly SuiteJourney[]): string | undefined {
  const begin = events.find((e) => e.type === 'begin');
  if (begin === undefined) return undefined;
  const ran = new Set(begin.tests.map((t) => t.id));
  const missing = defs.flatMap((d) => d.suite.tests).find((t) => !ran.has(t.id));
  return missing === undefined ? undefined : `"${missing.title}"`;
}

function countSuiteJourneys(loaded: Pick<LoadedConfig, 'config' | 'journeys'>, index: number): number {
  return loaded.journeys.filter((j) => isSuiteJourney(j) && j.suite.suite === index).length;
}
