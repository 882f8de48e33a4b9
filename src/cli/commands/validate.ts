import { plural } from '../../report/plural.js';
import { loadConfig, type LoadedConfig } from '../../config/load-config.js';
import { parse, parsePairs } from '../args.js';
import { problemLine } from '../../config/problems.js';
import { defaultConfigPath } from './run.js';

/** What would run and when; every problem is printed by main as one `path: problem` line (exit 2). */
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

export async function validateCommand(argv: string[]): Promise<number> {
  const { values } = parse('validate', argv, { config: { type: 'string' }, target: { type: 'string', multiple: true } });
  const loaded = await loadConfig(values.config ?? defaultConfigPath(), { targets: parsePairs('target', values.target) });
  process.stdout.write(`config OK: ${loaded.path}\n${describePlan(loaded).join('\n')}\n`);
  const { journeys } = loaded.config;
  // Not a problem for `prober run` (CI runs on demand), but `prober schedule` refuses it: say so where it is checked.
  if (!loaded.journeys.some((j) => journeys[j.name]?.enabled !== false && journeys[j.name]?.schedule !== undefined)) {
    process.stdout.write('journeys: no enabled journey has a schedule, so prober schedule would refuse to start (prober run is fine)\n');
  }
  // Warnings do not fail validation; they are the same lines `run` and `schedule` log at start.
  for (const w of loaded.warnings) process.stderr.write(`prober: warning: ${problemLine(w)}\n`);
  return 0;
}

export async function listCommand(argv: string[]): Promise<number> {
  const { values } = parse('list', argv, { config: { type: 'string' } });
  const loaded = await loadConfig(values.config ?? defaultConfigPath(), { skipSecrets: true });
  process.stdout.write(`${describePlan(loaded).join('\n')}\n`);
  return 0;
}
