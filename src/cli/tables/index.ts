import type { CommandTable } from '../command-table.js';
import { ALERT_TABLE } from './alert.js';
import { DEMO_TABLE } from './demo.js';
import { HELP_TABLE, INIT_TABLE } from './init.js';
import { JANITOR_TABLE } from './janitor.js';
import { REPORT_TABLE } from './report.js';
import { RUN_TABLE } from './run.js';
import { SANDBOX_TABLE } from './sandbox.js';
import { SCHEDULE_TABLE } from './schedule.js';
import { LIST_TABLE, VALIDATE_TABLE } from './validate.js';

/**
 * Every command's table, in the order `prober --help` lists them. Light on purpose (strings and zod checks only):
 * help and argument parsing load this, the command's own module loads only once its arguments are good.
 */
export const COMMAND_TABLES: readonly CommandTable[] = [
  INIT_TABLE,
  RUN_TABLE,
  SCHEDULE_TABLE,
  REPORT_TABLE,
  DEMO_TABLE,
  SANDBOX_TABLE,
  VALIDATE_TABLE,
  LIST_TABLE,
  ALERT_TABLE,
  JANITOR_TABLE,
  HELP_TABLE,
] as CommandTable[];

export function tableFor(name: string): CommandTable | undefined {
  return COMMAND_TABLES.find((t) => t.name === name);
}
