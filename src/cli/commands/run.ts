import { defaultConfigPath } from '../../config/find-config.js';
import { parseReporterSpec } from '../../report/reporters.js';
import { parse, parseCount, parseDuration, parseFailOn, parseLogLevel, parsePairs } from '../args.js';
import { executeRun } from '../execute-run.js';
import { listSelection } from './list-selection.js';
import { withSignals } from '../signals.js';
import { watchRuns } from '../watch.js';
import { ProberSetupError } from '../../journey/errors.js';
import { LOG_FORMATS, type LogFormat } from '../../log-format.js';

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
  /** The debug loop: see the browser, keep a trace, stop after a step, Playwright's inspector, re-run on change. */
  headed: { type: 'boolean' },
  trace: { type: 'string' },
  until: { type: 'string' },
  debug: { type: 'boolean' },
  watch: { type: 'boolean' },
  'log-format': { type: 'string' },
} as const;

const TRACE_MODES = ['on', 'on-failure', 'off'] as const;

/** `--headed`, `--trace`, `--debug` → overrides of the config's browser settings (pure, tested as a table). */
export function browserOverrides(values: { headed?: boolean | undefined; trace?: string | undefined; debug?: boolean | undefined }): { headless?: boolean; trace?: 'on' | 'on-failure' | 'off' } {
  if (values.trace !== undefined && !(TRACE_MODES as readonly string[]).includes(values.trace)) {
    throw new ProberSetupError([`--trace: expected on, on-failure or off, got "${values.trace}"`]);
  }
  return {
    ...(values.headed === true || values.debug === true ? { headless: false } : {}),
    ...(values.trace === undefined ? {} : { trace: values.trace as 'on' | 'on-failure' | 'off' }),
  };
}

export function parseLogFormat(value: string | undefined): LogFormat {
  if (value === undefined) return 'pretty';
  if (!(LOG_FORMATS as readonly string[]).includes(value)) throw new ProberSetupError([`--log-format: expected pretty or json, got "${value}"`]);
  return value as LogFormat;
}

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
  const browser = browserOverrides(values);
  const logFormat = parseLogFormat(values['log-format']);
  if (values.watch === true) return watchRuns(argv.filter((a) => a !== '--watch'), configPath);
  // Playwright opens its inspector when PWDEBUG is set at launch; the step deadlines still apply.
  if (values.debug === true) process.env.PWDEBUG = '1';
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
      browser,
      logFormat,
      ...(values.until === undefined ? {} : { untilStep: values.until }),
      ...(logLevel === undefined ? {} : { logLevel }),
    });
    return exitCode;
  });
}
