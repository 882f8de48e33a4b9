import { isProberSetupError, problemLine } from '../config/problems.js';
import { nearestName } from '../journey/nearest-name.js';
import { installProbeContainment } from '../journey/containment.js';
import { watchLoading } from './run-watchdog.js';
import { PROBER_VERSION } from '../version.js';
import type { CommandTable, Flags, ParsedArgs } from './command-table.js';
import { EXIT } from './exit-codes.js';
import { renderCommandHelp, renderOverview, wantsHelp } from './help.js';
import { parseCommand } from './parse-command.js';
import { onStrayFault } from './stray-faults.js';
import { COMMAND_TABLES, tableFor } from './tables/index.js';
import { ALERT_TABLE } from './tables/alert.js';
import { DEMO_TABLE } from './tables/demo.js';
import { INIT_TABLE } from './tables/init.js';
import { JANITOR_TABLE } from './tables/janitor.js';
import { REPORT_TABLE } from './tables/report.js';
import { RUN_TABLE } from './tables/run.js';
import { SANDBOX_TABLE } from './tables/sandbox.js';
import { SCHEDULE_TABLE } from './tables/schedule.js';
import { LIST_TABLE, VALIDATE_TABLE } from './tables/validate.js';

interface Entry {
  table: CommandTable;
  load: () => Promise<(args: ParsedArgs) => Promise<number>>;
}

/** Ties a command's function to its table at compile time: it receives exactly the values that table parses. */
function entry<F extends Flags>(
  table: CommandTable<F>,
  load: () => Promise<(args: ParsedArgs<F>) => Promise<number>>,
): Entry {
  return { table: table as CommandTable, load: load as unknown as Entry['load'] };
}

/**
 * Commands load on demand, after their arguments parsed: a cron or CI invocation of `prober run` should not pay
 * for Playwright, SQLite and prom-client at start-up when it does not use them.
 */
const COMMANDS: Record<string, Entry> = {
  run: entry(RUN_TABLE, async () => (await import('./commands/run.js')).runCommand),
  demo: entry(DEMO_TABLE, async () => (await import('./commands/demo.js')).demoCommand),
  sandbox: entry(SANDBOX_TABLE, async () => (await import('./commands/sandbox.js')).sandboxCommand),
  validate: entry(VALIDATE_TABLE, async () => (await import('./commands/validate.js')).validateCommand),
  list: entry(LIST_TABLE, async () => (await import('./commands/list.js')).listCommand),
  janitor: entry(JANITOR_TABLE, async () => (await import('./commands/janitor.js')).janitorCommand),
  init: entry(INIT_TABLE, async () => (await import('./commands/init.js')).initCommand),
  schedule: entry(SCHEDULE_TABLE, async () => (await import('./commands/schedule.js')).scheduleCommand),
  report: entry(REPORT_TABLE, async () => (await import('./commands/report.js')).reportCommand),
  alert: entry(ALERT_TABLE, async () => (await import('./commands/alert.js')).alertCommand),
};

/** The commands that import the config and the journeys (whose top-level code may loop). */
const LOADS_PROBES = new Set(['run', 'demo', 'schedule', 'validate', 'list']);

/** Every command name, so the help test can check each has its own table and help. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** Every failure a user can meet ends here as one line per problem on stderr and exit 2, never a stack trace. */
export { endLoopWatchdog } from '../watchdog/loop-watchdog.js';

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(renderOverview(COMMAND_TABLES));
    return command === undefined ? EXIT.error : EXIT.pass;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${PROBER_VERSION}\n`);
    return EXIT.pass;
  }
  if (command === 'help') return help(rest);
  installProbeContainment(onStrayFault);
  const found = COMMANDS[command];
  if (found === undefined) {
    const near = nearestName(command, COMMAND_NAMES);
    const hint = near === undefined ? '' : `did you mean "${near}"? `;
    process.stderr.write(
      `prober: unknown command "${command}" (${hint}use one of: ${COMMAND_NAMES.join(', ')}; see prober --help)\n`,
    );
    return EXIT.error;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(renderCommandHelp(found.table));
    return EXIT.pass;
  }
  try {
    const parsed = parseCommand(found.table, rest);
    if (LOADS_PROBES.has(command)) watchLoading(); // a top-level loop in a journey file must not hang the command
    return await (await found.load())(parsed);
  } catch (err) {
    if (isProberSetupError(err)) {
      for (const p of err.problems) process.stderr.write(`prober: ${problemLine(p)}\n`);
    } else {
      const e = err as Error;
      process.stderr.write(
        `prober: internal error: ${e?.name ?? 'Error'}: ${String(e?.message ?? err).split('\n')[0]} (set PROBER_DEBUG=1 for the stack trace)\n`,
      );
      if (process.env.PROBER_DEBUG === '1') process.stderr.write(`${e?.stack ?? ''}\n`);
    }
    return EXIT.error;
  }
}

/** `prober help [COMMAND]`: the overview, or one command's help; an unknown topic is a usage error naming the commands. */
function help(argv: readonly string[]): number {
  const topic = argv.find((a) => !a.startsWith('-'));
  if (topic === undefined) {
    process.stdout.write(renderOverview(COMMAND_TABLES));
    return EXIT.pass;
  }
  const table = tableFor(topic);
  if (table === undefined) {
    process.stderr.write(`prober help: unknown command "${topic}" (commands: ${COMMAND_NAMES.join(', ')})\n`);
    return EXIT.error;
  }
  process.stdout.write(renderCommandHelp(table));
  return EXIT.pass;
}
