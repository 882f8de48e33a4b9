import { defaultConfigPath } from '../../config/find-config.js';
import { parseReporterSpec } from '../../report/reporters.js';
import { parse, parseCount, parseDuration, parseFailOn, parseLogLevel, parsePairs } from '../args.js';
import { executeRun } from '../execute-run.js';
import { listSelection } from './list-selection.js';
import { withSignals } from '../signals.js';

export const RUN_OPTIONS = {
  config: { type: 'string' },
  reporter: { type: 'string', multiple: true },
  'fail-on': { type: 'string' },
  target: { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  retries: { type: 'string' },
  'retry-delay': { type: 'string' },
  'allow-flaky': { type: 'boolean' },
  grep: { type: 'string' },
  tag: { type: 'string', multiple: true },
  list: { type: 'boolean' },
  'expect-version': { type: 'string', multiple: true },
  'wait-ready': { type: 'string' },
  /** Record the result in this SQLite state store too (same history as `prober schedule`). */
  store: { type: 'string' },
  location: { type: 'string' },
} as const;

/** Kept here for the commands that import it from run.ts; the search lives with the config loading. */
export { defaultConfigPath } from '../../config/find-config.js';

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('run', argv, RUN_OPTIONS);
  const failOnDegraded = parseFailOn(values['fail-on']);
  const logLevel = parseLogLevel(values['log-level']);
  const targets = parsePairs('target', values.target);
  const configPath = values.config ?? defaultConfigPath();
  const filter = { grep: values.grep, tags: values.tag };
  if (values.list === true) return listSelection(configPath, positionals, filter, targets);
  const retries = parseCount('retries', values.retries);
  const retryDelayMs = values['retry-delay'] === undefined ? 0 : parseDuration('retry-delay', values['retry-delay']);
  const expectVersions = parsePairs('expect-version', values['expect-version']);
  const waitReadyMs = values['wait-ready'] === undefined ? 0 : parseDuration('wait-ready', values['wait-ready']);
  return withSignals(async (signal) => {
    const { exitCode } = await executeRun({
      configPath,
      journeys: positionals,
      reporters: (values.reporter ?? []).map(parseReporterSpec),
      failOnDegraded,
      targets,
      signal,
      retries,
      retryDelayMs,
      allowFlaky: values['allow-flaky'] === true,
      filter,
      expectVersions,
      waitReadyMs,
      ...(values.store === undefined ? {} : { store: values.store }),
      location: values.location,
      ...(logLevel === undefined ? {} : { logLevel }),
    });
    return exitCode;
  });
}
