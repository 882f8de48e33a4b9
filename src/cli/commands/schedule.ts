import { setupError } from '../../config/problems.js';
import { loadConfig } from '../../config/load-config.js';
import { startDaemon } from '../../schedule/daemon.js';
import { exitIfStillAlive, untilShutdownSignal } from '../../schedule/shutdown-signals.js';
import { defaultConfigPath } from '../../config/find-config.js';
import type { ParsedArgs } from '../command-table.js';
import { takeEarlySignal } from '../early-signals.js';
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
    const loaded = await loadConfig(values.config ?? defaultConfigPath(), { targets: values.target });
    const daemon = await startDaemon(loaded, {
      store: values.store,
      location: values.location,
      logLevel,
      artifactsUrl: publicUrl(process.env.PROBER_PUBLIC_URL, loaded.config.server.publicUrl),
      host: values.host ?? loaded.config.server.host,
      port: port ?? loaded.config.server.port,
      print: (text) => process.stdout.write(text),
    });
    const log = daemon.log;
    const watchdog = watchDaemon(daemon.redactor, daemon.quarantine);
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
    throw setupError('PROBER_PUBLIC_URL', `expected an absolute http(s):// URL, got "${env}"`);
  return env.replace(/\/+$/, '');
}
