import type { z } from 'zod';

/**
 * One flag of a command: how `node:util` parseArgs reads it, the zod check that turns what was typed into the
 * value the command gets (with its default), and the help text. The help, the parser and the checks all come
 * from this one row, so they cannot drift apart.
 */
export interface FlagSpec<Check extends z.ZodType = z.ZodType> {
  type: 'string' | 'boolean';
  /** Repeatable: the raw value is an array of every occurrence. */
  multiple?: boolean;
  /** One-letter alias, e.g. `c` for `-c`. */
  short?: string;
  /** The value's placeholder in usage and help, e.g. `F` in `--config F`. */
  arg?: string;
  help: string;
  /** Raw parseArgs value (`string | boolean | string[] | undefined`) → what the command gets. */
  check: Check;
  /** A heading the flag is listed under in the help (default: the command's options). */
  section?: string;
  /**
   * The field of the run's selection (`RunSelection`) this flag's checked value goes to, as it is (write it
   * `'retries' as const`): the command passes the selection on without naming the flag (`selectionFrom`).
   */
  selects?: string;
}

export interface PositionalSpec {
  /** As shown in usage, e.g. `JOURNEY`. */
  name: string;
  help: string;
  multiple?: boolean;
}

export type Flags = Record<string, FlagSpec>;

/** A command: its usage, help and flags in one table. Command files get the parsed, checked values. */
export interface CommandTable<F extends Flags = Flags> {
  name: string;
  /** One line for `prober --help`. */
  summary: string;
  /** Words between `prober NAME` and the options in usage, when the command has a fixed sub-command (`alert test`). */
  sub?: string;
  positional?: PositionalSpec;
  /** Paragraph lines under the usage line. */
  description: readonly string[];
  flags: F;
  /** Lines after the flags (exit codes, notes). */
  footer?: readonly string[];
}

export type FlagValues<F extends Flags> = { [K in keyof F]: z.output<F[K]['check']> };

/** What a command function receives: checked flag values, positionals, and the raw argv (`--watch` re-runs it). */
export interface ParsedArgs<F extends Flags = Flags> {
  values: FlagValues<F>;
  positionals: string[];
  argv: readonly string[];
}

/** Identity, typed: a table's flag values keep their zod output types. */
export function defineCommand<F extends Flags>(table: CommandTable<F>): CommandTable<F> {
  return table;
}
