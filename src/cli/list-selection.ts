import { loadConfig } from '../config/load-config.js';
import { filterJourneys, selectJourneys, type JourneyFilter } from '../assemble/select-journeys.js';
import { describePlan } from './describe-plan.js';

/** `prober run --list`: what would run, after names, `--grep` and `--tag`; runs nothing and needs no secrets. */
export async function listSelection(
  configPath: string,
  names: readonly string[],
  filter: JourneyFilter,
  targets: Record<string, string>,
): Promise<number> {
  const loaded = await loadConfig(configPath, { skipSecrets: true, targets });
  const selected = filterJourneys(
    selectJourneys(loaded.journeys, names, (name) => loaded.config.journeys[name]?.enabled !== false),
    filter,
  );
  process.stdout.write(`${describePlan({ ...loaded, journeys: selected }).join('\n')}\n`);
  return 0;
}
