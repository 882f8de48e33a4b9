import type { JourneyDefinition } from '../journey/define.js';
import { MIN_SECRET_LENGTH } from '../redact.js';
import { formatPath, problem, type Problem } from './problems.js';
import { definitionProblems, timerProblem } from './check-definitions.js';
import { nearestName } from '../journey/nearest-name.js';
import type { ProberConfig } from './schema.js';

/** Cross-checks between the config and the journeys it loads: names, targets, secrets and budgets. */
export function checkJourneys(
  config: ProberConfig,
  found: readonly { def: JourneyDefinition; file: string }[],
): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map<string, JourneyDefinition>();
  for (const { def, file } of found) {
    if (byName.has(def.name))
      problems.push(problem(file, `journey name "${def.name}" is used twice`, 'names must be unique'));
    byName.set(def.name, def);
    problems.push(...definitionProblems(def, file), ...stepProblems(config, def, file), ...needsProblems(config, def));
  }
  problems.push(...settingsProblems(config, byName));
  return problems;
}

/** A journey's steps against the config: unique names, a target URL for each service, a budget below the timeout. */
function stepProblems(config: ProberConfig, def: JourneyDefinition, file: string): Problem[] {
  const problems: Problem[] = [];
  const stepNames = new Set<string>();
  for (const s of def.steps) {
    if (stepNames.has(s.name)) problems.push(problem(file, `journey ${def.name} has two steps named "${s.name}"`));
    stepNames.add(s.name);
    if (config.targets[s.service] === undefined) {
      const why = `journey ${def.name} step ${s.name} uses service "${s.service}", which has no target URL${didYouMean(s.service, Object.keys(config.targets))}`;
      problems.push(problem('targets', why, `add targets.${s.service}`));
    }
    // A timeout that is itself invalid is reported once, by definitionProblems.
    if (s.budgetMs !== undefined && s.budgetMs >= s.timeoutMs && timerProblem(s.timeoutMs) === undefined) {
      problems.push(problem(file, `step ${s.name} has budgetMs ${s.budgetMs} not below its timeoutMs ${s.timeoutMs}`));
    }
  }
  return problems;
}

/** The secrets and variables a journey declares it needs, each missing one at its place in the config. */
function needsProblems(config: ProberConfig, def: JourneyDefinition): Problem[] {
  const problems: Problem[] = [];
  for (const name of def.needs.secrets) {
    if (config.secrets[name] === undefined) {
      problems.push(
        problem(
          formatPath(['secrets', name]),
          `journey ${def.name} needs this secret${didYouMean(name, Object.keys(config.secrets))}`,
          'add it as an ${env:NAME} reference',
        ),
      );
    }
  }
  for (const name of def.needs.variables) {
    if (config.variables[name] === undefined)
      problems.push(
        problem(
          formatPath(['variables', name]),
          `journey ${def.name} needs this variable${didYouMean(name, Object.keys(config.variables))}`,
        ),
      );
  }
  return problems;
}

/** The config's per-journey settings against the journeys found: each names a journey and steps it has. */
function settingsProblems(config: ProberConfig, byName: ReadonlyMap<string, JourneyDefinition>): Problem[] {
  const problems: Problem[] = [];
  for (const [name, settings] of Object.entries(config.journeys)) {
    const def = byName.get(name);
    if (def === undefined) {
      problems.push(
        problem(
          formatPath(['journeys', name]),
          `no journey named "${name}" was found in probes${didYouMean(name, byName.keys())} (found: ${[...byName.keys()].join(', ') || 'none'})`,
        ),
      );
      continue;
    }
    for (const [stepName, o] of Object.entries(settings.steps)) {
      const s = def.steps.find((x) => x.name === stepName);
      if (s === undefined) {
        problems.push(
          problem(
            formatPath(['journeys', name, 'steps', stepName]),
            `journey ${name} has no step "${stepName}"${didYouMean(
              stepName,
              def.steps.map((x) => x.name),
            )}`,
          ),
        );
        continue;
      }
      const timeoutMs = o.timeoutMs ?? s.timeoutMs;
      const budgetMs = o.budgetMs ?? s.budgetMs;
      if (budgetMs !== undefined && budgetMs >= timeoutMs) {
        problems.push(
          problem(
            formatPath(['journeys', name, 'steps', stepName, 'budgetMs']),
            `${budgetMs} must be below the step timeout ${timeoutMs}`,
          ),
        );
      }
    }
  }
  return problems;
}

/** A secret shorter than the redactor's minimum could not be scrubbed reliably. */
export function shortSecretProblems(secrets: Readonly<Record<string, string>>): Problem[] {
  return Object.entries(secrets)
    .filter(([, v]) => v.length < MIN_SECRET_LENGTH)
    .map(([k]) =>
      problem(
        formatPath(['secrets', k]),
        `the value is shorter than ${MIN_SECRET_LENGTH} characters and could not be redacted reliably`,
      ),
    );
}

function didYouMean(name: string, known: Iterable<string>): string {
  const near = nearestName(name, known);
  return near === undefined ? '' : ` (did you mean "${near}"?)`;
}
