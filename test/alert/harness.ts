import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { AlertsConfigSchema, type AlertsConfig } from '../../src/config/alerts-config.js';
import { createAlerting, type Alerting } from '../../src/alert/alerting.js';
import type { DeliveryEvent } from '../../src/alert/outbox-deliverer.js';
import type { Logger } from '../../src/log.js';
import { Redactor } from '../../src/redact.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';

/** Log lines as the real logger would write them (value-scrubbed), kept in memory for assertions. */
export function memoryLogger(redactor: Redactor): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const log = pino({ level: 'debug', hooks: { streamWrite: (line) => redactor.scrub(line) } }, stream);
  return { log, lines };
}

export interface Harness extends Alerting {
  store: SqliteRunStore;
  storePath: string;
  lines: string[];
  events: DeliveryEvent[];
  redactor: Redactor;
  close(): Promise<void>;
}

/** Store + alert recorder + deliverer over a temp SQLite file, with fast delivery settings unless overridden. */
export function alertHarness(alerts: unknown, env: NodeJS.ProcessEnv): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'prober-alert-'));
  const storePath = join(dir, 'state.db');
  const store = new SqliteRunStore(storePath);
  const redactor = new Redactor();
  const { log, lines } = memoryLogger(redactor);
  const events: DeliveryEvent[] = [];
  const config: AlertsConfig = AlertsConfigSchema.parse(alerts);
  const alerting = createAlerting({
    alerts: config,
    store,
    log,
    redactor,
    env,
    onDeliveryEvent: (e) => events.push(e),
  });
  return {
    ...alerting,
    store,
    storePath,
    lines,
    events,
    redactor,
    async close() {
      await alerting.deliverer.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const FAST_DELIVERY = {
  attemptTimeoutMs: 2_000,
  initialBackoffMs: 50,
  maxBackoffMs: 200,
  maxAgeMs: 60_000,
  flushMs: 3_000,
};
