import type { JourneyDefinition } from '../journey/define.js';
import type { RunResult } from '../journey/result-schema.js';
import { createProber, type ProberInput, type RunSelection } from './prober.js';

export type { Prober, ProberInput, RunSelection } from './prober.js';

/** What `run()` takes: the same choices as `prober run`, as data. */
export interface RunInput extends Omit<ProberInput, 'journeys'>, Omit<RunSelection, 'journeys'> {
  /**
   * The journeys to run: names of the config's journeys, journey objects (what `journey({ ... })` returns), or
   * both. Objects need no journey file and no `probes` glob.
   * @defaultValue every enabled journey of the config
   */
  journeys?: readonly (string | JourneyDefinition)[] | undefined;
}

/**
 * Runs journeys once and returns the `prober.run/v1` result, for use from code (a test suite, a script, a bench).
 * Unless asked for (`store`, `reporters`, `otlp`), no reporter, store or alerting runs and nothing is printed except
 * warnings; the CLI is never loaded. A bad config throws a `ProberSetupError` whose `problems` are what
 * `prober validate` would print; a failing environment is not an exception, it is `result.status === 'fail'`.
 * Loads the config on every call: code that runs journeys repeatedly uses `createProber()` once and
 * `prober.run()` each time.
 */
export async function run(input: RunInput): Promise<RunResult> {
  const asked = input.journeys ?? [];
  const objects = asked.filter((j): j is JourneyDefinition => typeof j !== 'string');
  const prober = await createProber({ ...input, journeys: objects });
  try {
    const names = asked.map((j) => (typeof j === 'string' ? j : j.name));
    return await prober.run({ ...input, journeys: names });
  } finally {
    await prober.close();
  }
}
