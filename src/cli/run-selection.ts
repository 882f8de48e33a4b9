import type { z } from 'zod';
import type { RunSelection } from '../assemble/select-journeys.js';
import type { CommandTable, Flags, FlagValues } from './command-table.js';

/** The selection fields a table's flags fill, each typed as its flag's checked value. */
export type SelectedBy<F extends Flags> = {
  [K in keyof F as F[K] extends { selects: infer S extends string } ? S : never]: z.output<F[K]['check']>;
};

/**
 * The part of the run's selection that comes straight from flags: every flag whose table row names a `selects`
 * field. A runner flag is therefore its row plus its `RunSelection` field; the command file never names it. The
 * type refuses a table with a row whose field `RunSelection` does not have, or whose checked value does not fit it
 * (the call asks for a `misfitSelects` property naming those fields).
 */
export function selectionFrom<F extends Flags>(
  table: CommandTable<F> &
    ([Misfits<SelectedBy<F>>] extends [never] ? unknown : { misfitSelects: Misfits<SelectedBy<F>> }),
  values: FlagValues<F>,
): SelectedBy<F> {
  const out: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(table.flags)) {
    if (flag.selects !== undefined) out[flag.selects] = values[name];
  }
  return out as SelectedBy<F>;
}

/** The selected fields RunSelection lacks or whose flag value does not fit it. */
type Misfits<S> = {
  [K in keyof S]: K extends keyof RunSelection ? (S[K] extends RunSelection[K] ? never : K) : K;
}[keyof S];
