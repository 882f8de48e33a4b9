import { defaultConfigPath } from '../../config/find-config.js';
import { loadConfig } from '../../config/load-config.js';
import type { ParsedArgs } from '../command-table.js';
import { describePlan } from '../describe-plan.js';
import type { LIST_TABLE } from '../tables/validate.js';

/** `prober list`: journeys, steps and schedules, without needing the secrets. */
export async function listCommand({ values }: ParsedArgs<typeof LIST_TABLE.flags>): Promise<number> {
  const loaded = await loadConfig(values.config ?? defaultConfigPath(), { skipSecrets: true });
  process.stdout.write(`${describePlan(loaded).join('\n')}\n`);
  return 0;
}
