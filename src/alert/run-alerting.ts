import type { RunResult } from '../journey/result-schema.js';
import type { Logger } from '../log.js';
import type { Redactor } from '../redact.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import type { AlertsConfig } from './alert-config.js';
import type { ProbedJourneys } from './alert-pipeline.js';
import { createAlerting } from './alerting.js';

export interface AlertAfterRunOptions {
  storePath: string;
  alerts: AlertsConfig;
  result: RunResult;
  /** Journeys the config still probes: open alerts of the others are resolved (disabled or removed while firing). */
  probed?: ProbedJourneys;
  log: Logger;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
}

/**
 * `prober run --store`: one cron invocation's share of alerting. Loads the alert state, applies this result,
 * queues what it caused (durably, before any attempt), then delivers for at most `alerts.delivery.flushMs`.
 * Whatever is still pending (a receiver down) stays in the store and goes out with the next invocation, same ids.
 */
export async function alertAfterRun(options: AlertAfterRunOptions): Promise<{ queued: number; pending: number }> {
  const { log } = options;
  const store = new SqliteRunStore(options.storePath, { onInvalid: (runId, problem) => log.warn({ runId, problem }, 'store/invalid-document') });
  try {
    const alerting = createAlerting({ alerts: options.alerts, store, log, redactor: options.redactor, env: options.env });
    const retired = options.probed === undefined ? [] : await alerting.pipeline.retire(options.result.environment, options.probed);
    const events = [...retired, ...(await alerting.pipeline.process(options.result))];
    const { pending } = await alerting.deliverer.flush(options.alerts.delivery.flushMs, options.signal);
    if (pending > 0) log.warn({ pending, boundMs: options.alerts.delivery.flushMs }, 'alert/outbox-pending: left for the next invocation');
    return { queued: events.length * alerting.senders.size, pending };
  } finally {
    await store.close();
  }
}
