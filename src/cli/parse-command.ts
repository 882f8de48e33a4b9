import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ProberSetupError, problem, setupError, type Problem } from '../config/problems.js';
import { nearestName } from '../journey/nearest-name.js';
import type { CommandTable, Flags, FlagValues, ParsedArgs } from './command-table.js';

/**
 * Parses argv with `node:util` parseArgs, driven by the command's table (strict: an unknown flag, a missing value
 * or a stray positional is refused), then runs every flag's zod check. Every problem is one line; all are
 * reported at once as a ProberSetupError (exit 2, the usage exit code).
 */
export function parseCommand<F extends Flags>(table: CommandTable<F>, argv: readonly string[]): ParsedArgs<F> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, f] of Object.entries(table.flags)) {
    options[name] = {
      type: f.type,
      ...(f.multiple === true ? { multiple: true } : {}),
      ...(f.short === undefined ? {} : { short: f.short }),
    };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: table.positional !== undefined, strict: true });
  } catch (err) {
    throw new ProberSetupError([usageProblem(table, err)]);
  }
  if (table.positional?.multiple !== true && parsed.positionals.length > 1) {
    throw setupError(
      `prober ${table.name}`,
      `expected one ${table.positional?.name}, got ${parsed.positionals.length} (see prober ${table.name} --help)`,
    );
  }
  const problems: Problem[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(table.flags)) {
    const checked = f.check.safeParse(parsed.values[name]);
    if (checked.success) values[name] = checked.data;
    else problems.push(...checked.error.issues.map((i) => problem(`--${name}`, i.message)));
  }
  if (problems.length > 0) throw new ProberSetupError(problems);
  return { values: values as FlagValues<F>, positionals: parsed.positionals, argv };
}

/** parseArgs's error as one problem, with the nearest flag name when the unknown one looks like a typo. */
function usageProblem(table: CommandTable, err: unknown): Problem {
  const { code, message } = err as { code?: string; message?: string };
  const first = (message ?? 'bad arguments').split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
  const help = `see prober ${table.name} --help`;
  const where = `prober ${table.name}`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const typed = /'(-{1,2}[^'=]+)/.exec(first)?.[1] ?? '';
    const near = nearestName(typed.replace(/^-+/, ''), Object.keys(table.flags));
    return problem(where, `Unknown option '${typed}'${near === undefined ? '' : ` (did you mean --${near}?)`}`, help);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return problem(
      where,
      `${first.replace(/\. This command does not take positional arguments$/, '')}: this command takes no ${table.positional === undefined ? 'arguments' : 'more arguments'}`,
      help,
    );
  }
  return problem(where, first, help);
}
