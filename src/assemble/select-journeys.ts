import type { LoadedConfig } from '../config/load-config.js';
import type { JourneyDefinition } from '../journey/define.js';
import { ProberSetupError, problem, setupError } from '../config/problems.js';
import type { RunEvent } from '../journey/runner.js';

// Which journeys a run runs: the names given, `--grep` and `--tag`, and a check that `--until` names a step of one
// of them. Each refusal is one line naming the flag, so a typo never silently runs everything (or nothing).

/** `--until STEP` must name a step of a selected journey: a typo would otherwise silently run everything. */
export function checkUntilStep(step: string | undefined, selected: readonly JourneyDefinition[]): void {
  if (step === undefined || selected.some((j) => j.steps.some((s) => s.name === step))) return;
  const known = [...new Set(selected.flatMap((j) => j.steps.map((s) => s.name)))].join(', ');
  throw setupError('--until', `no selected journey has a step "${step}" (steps: ${known})`);
}

export interface JourneyFilter {
  /** A regular expression matched against the journey's name and description. */
  grep?: string | undefined;
  /** Journeys carrying any of these tags. */
  tags?: readonly string[] | undefined;
}

/** `--grep` and `--tag`; a filter that leaves nothing to run is a usage error, not a silent pass. */
export function filterJourneys(journeys: readonly JourneyDefinition[], filter: JourneyFilter): JourneyDefinition[] {
  let re: RegExp | undefined;
  try {
    re = filter.grep === undefined ? undefined : new RegExp(filter.grep);
  } catch {
    throw setupError('--grep', `"${filter.grep}" is not a valid regular expression`);
  }
  const tags = filter.tags ?? [];
  const out = journeys.filter(
    (j) =>
      (re === undefined || re.test(j.name) || re.test(j.description)) &&
      (tags.length === 0 || j.tags.some((t) => tags.includes(t))),
  );
  if (out.length === 0) {
    const what = [
      filter.grep === undefined ? '' : `--grep ${filter.grep}`,
      tags.length === 0 ? '' : `--tag ${tags.join(',')}`,
    ]
      .filter(Boolean)
      .join(' ');
    throw setupError(what, `no journey matches (journeys: ${journeys.map((j) => j.name).join(', ')})`);
  }
  return out;
}

/** Named journeys must exist; with no names, every enabled journey runs. */
export function selectJourneys(
  all: readonly JourneyDefinition[],
  names: readonly string[],
  enabled: (name: string) => boolean,
): JourneyDefinition[] {
  if (names.length === 0) {
    const list = all.filter((j) => enabled(j.name));
    if (list.length === 0) throw setupError('journeys', 'no enabled journey to run');
    return list;
  }
  const unknown = names.filter((n) => !all.some((j) => j.name === n));
  if (unknown.length > 0) {
    throw new ProberSetupError(
      unknown.map((n) => problem(n, `no such journey (known: ${all.map((j) => j.name).join(', ')})`)),
    );
  }
  return all.filter((j) => names.includes(j.name));
}

/**
 * What one run takes: the choices `prober run` makes per run, as data, and what `prober.run()` takes from code. A
 * runner flag is a row in its command table plus a field here; both entry points hand this object on as it is.
 */
export interface RunSelection extends JourneyFilter {
  /** Journey names to run. @defaultValue every enabled journey */
  journeys?: readonly string[] | undefined;
  /** Re-run a failed journey up to N times; a later pass is `flaky`. @defaultValue 0 */
  retries?: number | undefined;
  /** Wait this long before each retry. @defaultValue 0 */
  retryDelayMs?: number | undefined;
  /** Run up to and including this step, then only the cleanup (`always`) steps. */
  untilStep?: string | undefined;
  /** This run's overrides of the config's browser settings (`--headed`, `--trace`, `--debug`). */
  browser?: { headless?: boolean | undefined; trace?: 'off' | 'on-failure' | 'on' | undefined } | undefined;
  /** Stops the run: steps in flight end as `aborted` and the result is still returned. */
  signal?: AbortSignal | undefined;
  /** Journey and step start/end as they happen (the same events the console and ndjson reporters get). */
  onEvent?: ((event: RunEvent) => void) | undefined;
}

/** The journeys a selection runs, each refusal one line naming the flag (names, `--grep`/`--tag`, `--until`). */
export function selectFor(
  loaded: Pick<LoadedConfig, 'journeys' | 'config'>,
  selection: Pick<RunSelection, 'journeys' | 'grep' | 'tags' | 'untilStep'>,
): JourneyDefinition[] {
  const named = selectJourneys(
    loaded.journeys,
    selection.journeys ?? [],
    (name) => loaded.config.journeys[name]?.enabled !== false,
  );
  const selected =
    selection.grep === undefined && (selection.tags ?? []).length === 0 ? named : filterJourneys(named, selection);
  checkUntilStep(selection.untilStep, selected);
  return selected;
}
