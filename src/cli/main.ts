import { isProberSetupError } from '../journey/errors.js';
import { EXIT } from './exit-codes.js';
import { HELP } from './help.js';
import { alertCommand } from './commands/alert.js';
import { demoCommand } from './commands/demo.js';
import { janitorCommand } from './commands/janitor.js';
import { runCommand } from './commands/run.js';
import { sandboxCommand } from './commands/sandbox.js';
import { reportCommand } from './commands/report.js';
import { scheduleCommand } from './commands/schedule.js';
import { listCommand, validateCommand } from './commands/validate.js';
import { PROBER_VERSION } from '../version.js';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  alert: alertCommand,
  run: runCommand,
  demo: demoCommand,
  sandbox: sandboxCommand,
  validate: validateCommand,
  list: listCommand,
  janitor: janitorCommand,
  schedule: scheduleCommand,
  report: reportCommand,
};

/** Every failure a user can meet ends here as one line per problem on stderr and exit 2, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? EXIT.error : EXIT.pass;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${PROBER_VERSION}\n`);
    return EXIT.pass;
  }
  const handler = COMMANDS[command];
  if (handler === undefined) {
    process.stderr.write(`prober: unknown command "${command}" (use one of: ${Object.keys(COMMANDS).join(', ')}; see prober --help)\n`);
    return EXIT.error;
  }
  try {
    return await handler(rest);
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
