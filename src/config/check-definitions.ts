import type { JourneyDefinition } from '../journey/define.js';
import { suggestName } from '../journey/nearest-name.js';
import { JOURNEY_OPTION_NAMES, STEP_OPTION_NAMES, unknownOptionsOf } from '../journey/unknown-options.js';
import { problem, type Problem } from './problems.js';

/** Node's timers hold a signed 32-bit millisecond count; a longer delay fires after 1 ms instead (with a warning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why `ms` cannot be a timeout or budget, or undefined when it can: a whole number of ms from 1 to 2^31 − 1. */
export function timerProblem(ms: number): string | undefined {
  if (typeof ms !== 'number' || Number.isNaN(ms)) return `${String(ms)} is not a number of milliseconds`;
  if (!Number.isInteger(ms)) return `${ms} is not a whole number of milliseconds`;
  if (ms <= 0) return `${ms} must be at least 1 ms`;
  if (ms > MAX_TIMER_MS)
    return `${ms} ms is more than Node's timers can wait (at most ${MAX_TIMER_MS} ms, about 24.8 days)`;
  return undefined;
}

/**
 * What a journey definition cannot mean, found before anything runs: no steps (it would pass having checked
 * nothing), and timeouts or budgets Node cannot honour. Each problem names the file, journey, step and field.
 */
export function definitionProblems(def: JourneyDefinition, file: string): Problem[] {
  const problems: Problem[] = [];
  if (def.steps.length === 0)
    problems.push(problem(file, `journey ${def.name} has no steps`, 'a journey that checks nothing would always pass'));
  const check = (where: string, ms: number | undefined) => {
    const why = ms === undefined ? undefined : timerProblem(ms);
    if (why !== undefined) problems.push(problem(file, `${where}: ${why}`));
  };
  // The journey's default timeout is the sum of its steps' timeouts: only an explicit bad value is its own problem.
  if (def.steps.length > 0 && def.steps.every((s) => timerProblem(s.timeoutMs) === undefined))
    check(`journey ${def.name} timeoutMs`, def.timeoutMs);
  check(`journey ${def.name} budgetMs`, def.budgetMs);
  for (const s of def.steps) {
    check(`journey ${def.name} step ${s.name} timeoutMs`, s.timeoutMs);
    check(`journey ${def.name} step ${s.name} budgetMs`, s.budgetMs);
  }
  if (def.janitor !== undefined) check(`journey ${def.name} janitor timeoutMs`, def.janitor.timeoutMs);
  const unknown = (where: string, names: readonly string[], known: readonly string[]) => {
    for (const n of names) problems.push(problem(file, `${where}: unknown option ${n}${suggestName(n, known)}`));
  };
  unknown(`journey ${def.name}`, unknownOptionsOf(def), JOURNEY_OPTION_NAMES);
  for (const s of def.steps) unknown(`journey ${def.name} step ${s.name}`, unknownOptionsOf(s), STEP_OPTION_NAMES);
  return problems;
}
