import { defaultConfigPath } from '../../config/find-config.js';
import { parseReporterSpec } from '../../report/reporters.js';
import type { ParsedArgs } from '../command-table.js';
import { executeRun } from '../execute-run.js';
import { listSelection } from '../list-selection.js';
import { selectionFrom } from '../run-selection.js';
import { withSignals } from '../signals.js';
import { RUN_TABLE } from '../tables/run.js';
import { watchRuns } from '../watch.js';

type RunArgs = ParsedArgs<typeof RUN_TABLE.flags>;

/** `--headed`, `--trace`, `--debug` → overrides of the config's browser settings (pure, tested as a table). */
export function browserOverrides(values: Partial<Pick<RunArgs['values'], 'headed' | 'trace' | 'debug'>>): {
  headless?: boolean;
  trace?: 'on' | 'on-failure' | 'off';
} {
  return {
    ...(values.headed || values.debug ? { headless: false } : {}),
    ...(values.trace === undefined ? {} : { trace: values.trace }),
  };
}

/** `prober run`: every flag arrives parsed and checked by its row in tables/run.ts. */
export async function runCommand({ values, positionals, argv }: RunArgs): Promise<number> {
  // Before the config loads, so its ${env:NAME} references see the file's variables (Node keeps ones already set).
  if (values.dotenv !== undefined) process.loadEnvFile(values.dotenv);
  const configPath = values.config ?? defaultConfigPath();
  const selected = selectionFrom(RUN_TABLE, values);
  if (values.list) return listSelection(configPath, positionals, selected, values.target);
  if (values.watch)
    return watchRuns(
      argv.filter((a) => a !== '--watch'),
      configPath,
    );
  // Playwright opens its inspector when PWDEBUG is set at launch; the step deadlines still apply.
  if (values.debug) process.env.PWDEBUG = '1';
  return withSignals(async (signal) => {
    const { exitCode } = await executeRun({
      configPath,
      selection: { journeys: positionals, ...selected, browser: browserOverrides(values), signal },
      reporters: values.reporter.map(parseReporterSpec),
      failOnDegraded: values['fail-on'] === 'degraded',
      allowFlaky: values['allow-flaky'],
      targets: values.target,
      expectVersions: values['expect-version'],
      waitReadyMs: values['wait-ready'],
      store: values.store,
      location: values.location,
      logFormat: values['log-format'],
      logLevel: values['log-level'],
    });
    return exitCode;
  });
}
