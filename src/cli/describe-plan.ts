import type { LoadedConfig } from '../config/load-config.js';
import { plural } from '../report/plural.js';

/** What would run and when (`validate`, `list`, `run --list`); every problem is printed by main as one line (exit 2). */
export function describePlan(loaded: LoadedConfig): string[] {
  const { config } = loaded;
  const lines = [`environment ${config.environment}: ${plural(loaded.journeys.length, 'journey')}`];
  for (const j of loaded.journeys) {
    const settings = config.journeys[j.name];
    const when = settings?.enabled === false ? 'disabled' : (settings?.schedule ?? 'on demand (no schedule)');
    lines.push(`  ${j.name} [${when}] ${j.description}`);
    for (const s of j.steps) {
      const o = settings?.steps[s.name];
      const timeout = o?.timeoutMs ?? s.timeoutMs;
      const budget = o?.budgetMs ?? s.budgetMs;
      const url = config.targets[s.service] ?? '(no target)';
      lines.push(
        `    ${s.name.padEnd(16)} ${s.service.padEnd(8)} ${url}  timeout ${timeout} ms${budget === undefined ? '' : `, budget ${budget} ms`}${s.always ? ', always' : ''}`,
      );
    }
  }
  return lines;
}
