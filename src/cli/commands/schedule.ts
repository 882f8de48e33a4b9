import { ProberSetupError } from '../../journey/errors.js';
import { createLogger } from '../../log.js';
import { startDaemon, type Daemon } from '../../schedule/daemon.js';
import { LoopQuarantine, quarantineFile } from '../../schedule/loop-quarantine.js';
import { exitIfStillAlive, untilShutdownSignal } from '../../schedule/shutdown-signals.js';
import { openStore, SHORT_BUSY_TIMEOUT_MS, storeLabel, storeTarget } from '../../store/open-store.js';
import { defaultConfigPath } from '../../config/find-config.js';
import type { ParsedArgs } from '../command-table.js';
import { takeEarlySignal } from '../early-signals.js';
import { prepareRun } from '../execute-run.js';
import type { SCHEDULE_TABLE } from '../tables/schedule.js';
import { watchDaemon } from '../run-watchdog.js';

/**
 * `prober schedule`: the long-lived daemon. Runs until SIGTERM/SIGINT, then shuts down cleanly and exits 0.
 * Config problems (including a timeout that does not fit the schedule) exit 2 before anything starts.
 */
export async function scheduleCommand({ values }: ParsedArgs<typeof SCHEDULE_TABLE.flags>): Promise<number> {
  const logLevel = values['log-level'] ?? 'info';
  const port = values.port;
  // Listen for signals before the slow part (loading probes), so an early SIGTERM is still a clean exit.
  const shutdown = untilShutdownSignal(takeEarlySignal);
  try {
    // The same loading and run options as `prober run` (TLS per target, janitor, overrides); logs are the daemon's own.
    const { loaded, redactor, runOptions } = await prepareRun({
      configPath: values.config ?? defaultConfigPath(),
      targets: values.target,
      location: values.location,
      logLevel,
    });
    const log = createLogger(redactor, logLevel);
    const { target, secrets } = storeTarget(loaded.config.store, values.store, process.env);
    for (const s of secrets) redactor.add(s);
    const store = await openStore(target, {
      // The daemon must never wait on a lock synchronously: it retries asynchronously (ResilientStore) instead.
      busyTimeoutMs: SHORT_BUSY_TIMEOUT_MS,
      onInvalid: (runId, problem) => log.warn({ runId, problem }, 'store/invalid-document'),
      onError: (err) => log.error({ err: err.message }, 'store/connection-error'),
    });
    const quarantine = new LoopQuarantine(quarantineFile(target, loaded.config.environment, runOptions.location), {
      environment: loaded.config.environment,
      location: runOptions.location,
    });
    let daemon: Daemon;
    try {
      daemon = await startDaemon({
        loaded,
        store,
        storeLabel: storeLabel(target),
        base: { ...runOptions, artifactsUrl: publicUrl(process.env.PROBER_PUBLIC_URL, loaded.config.server.publicUrl) },
        log,
        host: values.host ?? loaded.config.server.host,
        port: port ?? loaded.config.server.port,
        print: (text) => process.stdout.write(text),
        quarantine,
      });
    } catch (err) {
      await store.close();
      throw err;
    }
    const watchdog = watchDaemon(redactor, quarantine);
    const sig = await shutdown.signal;
    watchdog.stop();
    log.info({ signal: sig }, 'schedule/stopping');
    await daemon.shutdown(`received ${sig}`);
    exitIfStillAlive(0, 2_000);
    return 0;
  } finally {
    shutdown.dispose();
  }
}

/** `PROBER_PUBLIC_URL` beats `server.publicUrl`: replicas share a config, each knows its own address. */
function publicUrl(env: string | undefined, config: string | undefined): string | undefined {
  if (env === undefined || env === '') return config;
  if (!/^https?:\/\/[^/\s]+/.test(env))
    throw new ProberSetupError([`PROBER_PUBLIC_URL: expected an absolute http(s):// URL, got "${env}"`]);
  return env.replace(/\/+$/, '');
}
