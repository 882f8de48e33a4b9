import { resolve } from 'node:path';
import type { RunResult } from '../journey/result-schema.js';
import { ProberSetupError } from '../journey/errors.js';
import type { RetentionPolicy } from './run-store.js';
import { SqliteRunStore } from './sqlite-run-store.js';

/**
 * `prober run --store PATH`: a one-shot run (a Kubernetes CronJob, a CI job) appends its already-redacted result to
 * the same history the daemon keeps, then applies retention, so `prober report` and the status page see it too.
 * Not being able to record is the prober's problem (exit 2), never a verdict about the environment.
 */
export async function recordRun(path: string, result: RunResult, retention: RetentionPolicy): Promise<void> {
  const file = resolve(path);
  let store: SqliteRunStore | undefined;
  try {
    store = new SqliteRunStore(file);
    await store.saveRun(result);
    await store.prune(retention);
  } catch (err) {
    throw new ProberSetupError([`--store: could not record the run in ${file}: ${err instanceof Error ? err.message : String(err)}`]);
  } finally {
    await store?.close();
  }
}
