import { defaultConfigPath } from '../../config/find-config.js';
import { loadConfig } from '../../config/load-config.js';
import { problemLine } from '../../config/problems.js';
import type { ParsedArgs } from '../command-table.js';
import { describePlan } from '../describe-plan.js';
import type { VALIDATE_TABLE } from '../tables/validate.js';

/** `prober validate`: the validation pass `run` and `schedule` make; the plan on stdout, warnings on stderr. */
export async function validateCommand({ values }: ParsedArgs<typeof VALIDATE_TABLE.flags>): Promise<number> {
  const loaded = await loadConfig(values.config ?? defaultConfigPath(), { targets: values.target, everyCommand: true });
  process.stdout.write(`config OK: ${loaded.path}\n${describePlan(loaded).join('\n')}\n`);
  const { journeys } = loaded.config;
  // Not a problem for `prober run` (CI runs on demand), but `prober schedule` refuses it: say so where it is checked.
  if (!loaded.journeys.some((j) => journeys[j.name]?.enabled !== false && journeys[j.name]?.schedule !== undefined)) {
    process.stdout.write(
      'journeys: no enabled journey has a schedule, so prober schedule would refuse to start (prober run is fine)\n',
    );
  }
  // Warnings do not fail validation; they are the same lines `run` and `schedule` log at start.
  for (const w of loaded.warnings) process.stderr.write(`prober: warning: ${problemLine(w)}\n`);
  return 0;
}
