import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { type PlaywrightExit, proberReporterPath, runPlaywright } from '../config/playwright-cli.js';
import { resolveSuiteEnv, type SuiteConfig } from '../config/suite-config.js';
import { readSuiteEvents, type SuiteEvent } from '../config/suite-events.js';
import { suiteArgs } from '../config/suite-list.js';
import type { RunOptions } from '../journey/run.js';
import { USER_AGENT_TOKEN } from '../version.js';
import { writeHeaderConfig } from './header-config.js';

/** One `playwright test` process of a suite's run: how it ended and what our reporter wrote. */
export interface SuiteProcessRun {
  exit: PlaywrightExit;
  events: SuiteEvent[];
}

export interface SuiteProcessOptions {
  cli: string;
  configFile: string;
  s: SuiteConfig;
  /** The run's private folder: the events, the JSON report and Playwright's own output go here. */
  work: string;
  broken: readonly string[];
  /** `file:line` of the selected tests; absent: the whole suite (its projects and grep). */
  locations?: readonly string[] | undefined;
  timeoutMs: number;
  traceId: string;
  options: RunOptions & { runId: string };
}

/** The events file of a suite run in `work`. */
export const eventsFileIn = (work: string) => join(work, 'events.ndjson');
/** Playwright's JSON report of a suite run in `work`, the durable record. */
export const reportFileIn = (work: string) => join(work, 'report.json');

/** Runs the suite's own `playwright test` once with our reporter and the JSON reporter (a fresh events file). */
export async function runSuiteProcess(p: SuiteProcessOptions): Promise<SuiteProcessRun> {
  const eventsFile = eventsFileIn(p.work);
  rmSync(eventsFile, { force: true });
  // The user's config wrapped in ours, which adds the synthetic-traffic headers to every request of the pages.
  const config = writeHeaderConfig(p.configFile);
  const args = [
    ...suiteArgs(config.file, p.s, {
      reporters: [proberReporterPath(), 'json'],
      broken: p.broken,
      ...(p.locations === undefined ? {} : { locations: p.locations }),
    }),
    // Playwright's own output (raw traces, screenshots) goes to our private folder; only scrubbed copies are kept.
    `--output=${join(p.work, 'output')}`,
  ];
  const { options } = p;
  const exit = await runPlaywright(p.cli, args, {
    cwd: dirname(p.configFile),
    env: {
      ...process.env,
      ...resolveSuiteEnv(p.s, options),
      PROBER_SUITE_EVENTS: eventsFile,
      PLAYWRIGHT_JSON_OUTPUT_NAME: reportFileIn(p.work),
      PROBER_RUN_ID: options.runId,
      PROBER_TRACE_ID: p.traceId,
      // For the run's config (header-config.ts): the tag, and the token an explicit `use.userAgent` gets.
      PROBER_SUITE_HEADERS: JSON.stringify({ 'x-synthetic-probe': options.runId }),
      PROBER_USER_AGENT_TOKEN: USER_AGENT_TOKEN,
      // For the optional fixture (golden-path-prober/playwright): prober.secret/variable/target.
      PROBER_SECRETS: JSON.stringify(options.secrets),
      PROBER_VARIABLES: JSON.stringify(options.variables),
      PROBER_TARGETS: JSON.stringify(options.targets),
    },
    timeoutMs: Math.max(1, p.timeoutMs),
    signal: options.signal,
    tag: randomUUID(),
  }).finally(() => config.remove());
  return { exit, events: readSuiteEvents(eventsFile) };
}
