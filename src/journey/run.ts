import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROBER_VERSION } from '../version.js';
import type { JourneyDefinition } from './define.js';
import { combineAttempts } from './combine-attempts.js';
import { summarizeRun } from './derive-verdict.js';
import { RUN_SCHEMA, type JourneyResult, type RunResult } from './result-schema.js';
import { runJanitor } from './run-janitor.js';
import { runJourneyAttempt, type JourneyRunOptions } from './runner.js';

export interface RunOptions extends Omit<JourneyRunOptions, 'runId' | 'timeoutMs' | 'budgetMs' | 'steps'> {
  environment: string;
  /** Recorded in the result when set (fleet: which location judged). */
  location?: string | undefined;
  /** Recorded in the result when set: the daemon URL that serves this run's artifacts (fleet). */
  artifactsUrl?: string | undefined;
  runId?: string;
  overrides?: Readonly<Record<string, Pick<JourneyRunOptions, 'timeoutMs' | 'budgetMs' | 'steps'>>>;
  /** Versions the targets reported at the start, recorded in the result. */
  versions?: Record<string, string | null> | undefined;
  /** Re-run a journey that failed up to this many times; a later pass makes it `flaky`. @defaultValue 0 */
  retries?: number | undefined;
  /** Wait this long before each retry (a deploy settling, a rate limit); cut short when the run is stopped. @defaultValue 0 */
  retryDelayMs?: number | undefined;
  /** After each journey, delete synthetic leftovers older than this (its janitor); undefined: no janitor. */
  janitorOlderThanMs?: number | undefined;
}

/**
 * Runs journeys concurrently (they are independent user paths), each as attempts (runJourneyAttempt) up to its
 * retries, then its janitor, and assembles the `prober.run/v1` result.
 * The result is scrubbed here, once, so every reporter, store and alert receives a redacted copy.
 */
export async function runJourneys(journeys: readonly JourneyDefinition[], options: RunOptions): Promise<RunResult> {
  const runId = options.runId ?? randomUUID();
  const startedAt = new Date();
  const t0 = performance.now();
  const results: JourneyResult[] = await Promise.all(
    journeys.map(async (def) => {
      const journeyOptions = { ...options, runId, ...options.overrides?.[def.name] };
      const attempts = [await runJourneyAttempt(def, journeyOptions)];
      // Only a `fail` is retried: a prober error would fail the same way, and a stopped prober must stop. Each
      // attempt is a fresh runJourneyAttempt: fresh variables, connections and (through the io factory) browser context.
      const again = () =>
        attempts.at(-1)?.status === 'fail' &&
        attempts.length <= (options.retries ?? 0) &&
        options.signal?.aborted !== true;
      while (again()) {
        if ((options.retryDelayMs ?? 0) > 0)
          await sleep(options.retryDelayMs, undefined, { signal: options.signal }).catch(() => undefined);
        if (options.signal?.aborted === true) break;
        attempts.push(await runJourneyAttempt(def, journeyOptions));
      }
      const result = combineAttempts(attempts);
      // After the journey, so cleanup never delays or colours the verdict; skipped when the prober is stopping.
      // Only after a passing journey: while the environment is failing, cleanup would fail (or hang) as well.
      const healthy = result.status === 'pass' || result.status === 'degraded';
      if (options.janitorOlderThanMs === undefined || options.signal?.aborted === true || !healthy) return result;
      const janitor = await runJanitor(def, options.janitorOlderThanMs, journeyOptions);
      return janitor === undefined ? result : { ...result, janitor };
    }),
  );
  const { status, summary } = summarizeRun(results);
  const result: RunResult = {
    schema: RUN_SCHEMA,
    runId,
    environment: options.environment,
    ...(options.location === undefined ? {} : { location: options.location }),
    ...(options.artifactsUrl === undefined ? {} : { artifactsUrl: options.artifactsUrl }),
    proberVersion: PROBER_VERSION,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    status,
    summary,
    ...(options.versions === undefined ? {} : { versions: options.versions }),
    journeys: results,
  };
  return options.redactor.scrubDeep(result);
}
