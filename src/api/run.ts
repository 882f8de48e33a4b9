import type { RunResult } from '../journey/result-schema.js';
import { createProber, type ProberInput, type RunSelection } from './prober.js';

export type { Prober, ProberInput, RunSelection } from './prober.js';

/** What `run()` takes: the same choices as `prober run`, as data. */
export interface RunInput extends ProberInput, RunSelection {}

/**
 * Runs journeys once and returns the `prober.run/v1` result, for use from code (a test suite, a script, a bench).
 * Unless asked for (`store`, `reporters`, `otlp`), no reporter, store or alerting runs and nothing is printed except
 * warnings; the CLI is never loaded. A bad config throws a `ProberSetupError` whose `problems` are the lines
 * `prober validate` would print; a failing environment is not an exception, it is `result.status === 'fail'`.
 * Loads the config on every call: code that runs journeys repeatedly uses `createProber()` once and
 * `prober.run()` each time.
 */
export async function run(input: RunInput): Promise<RunResult> {
  const prober = await createProber(input);
  try {
    return await prober.run(input);
  } finally {
    await prober.close();
  }
}
