import { isProberSetupError } from '../journey/errors.js';
import { EXIT } from './exit-codes.js';
import { HELP } from './help.js';
import { COMMAND_HELP, wantsHelp } from './command-help.js';
import { PROBER_VERSION } from '../version.js';
import { installProbeContainment } from '../journey/containment.js';
import { watchLoading } from './run-watchdog.js';
import { onStrayFault } from './stray-faults.js';

type Command = (argv: string[]) => Promise<number>;

/**
 * Commands load on demand: a cron or CI invocation of `prober run` should not pay for Playwright, SQLite and
 * prom-client at start-up when it does not use them.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  sandbox: async () => (await import('./commands/sandbox.js')).sandboxCommand,
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  list: async () => (await import('./commands/validate.js')).listCommand,
  janitor: async () => (await import('./commands/janitor.js')).janitorCommand,
  init: async () => (await import('./commands/init.js')).initCommand,
  schedule: async () => (await import('./commands/schedule.js')).scheduleCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  alert: async () => (await import('./commands/alert.js')).alertCommand,
};

/** The commands that import the config and the journeys (whose top-level code may loop). */
const LOADS_PROBES = new Set(['run', 'demo', 'schedule', 'validate', 'list']);

/** Every command name, so the help test can check each has its own help. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** Every failure a user can meet ends here as one line per problem on stderr and exit 2, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    if (topic !== undefined && COMMAND_HELP[topic] === undefined) {
      process.stderr.write(`prober help: unknown command "${topic}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
      return EXIT.error;
    }
    process.stdout.write(topic === undefined ? HELP : `${COMMAND_HELP[topic]}\n`);
    return command === undefined ? EXIT.error : EXIT.pass;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${PROBER_VERSION}\n`);
    return EXIT.pass;
  }
  installProbeContainment(onStrayFault);
  if (LOADS_PROBES.has(command)) watchLoading(); // a top-level loop in a journey file must not hang the command
  const load = COMMANDS[command];
  if (load === undefined) {
    process.stderr.write(`prober: unknown command "${command}" (use one of: ${Object.keys(COMMANDS).join(', ')}; see prober --help)\n`);
    return EXIT.error;
  }
  if (wantsHelp(rest) && COMMAND_HELP[command] !== undefined) {
    process.stdout.write(`${COMMAND_HELP[command]}\n`);
    return EXIT.pass;
  }
  try {
    return await (await load())(rest);
  } catch (err) {
    if (isProberSetupError(err)) {
      for (const p of err.problems) process.stderr.write(`prober: ${p}\n`);
    } else {
      const e = err as Error;
      process.stderr.write(`prober: internal error: ${e?.name ?? 'Error'}: ${String(e?.message ?? err).split('\n')[0]} (set PROBER_DEBUG=1 for the stack trace)\n`);
      if (process.env.PROBER_DEBUG === '1') process.stderr.write(`${e?.stack ?? ''}\n`);
    }
    return EXIT.error;
  }
}
