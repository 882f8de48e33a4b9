import { defineCommand } from '../command-table.js';
import { text, wholeNumber } from '../flag-checks.js';
import { config, location, logLevel, store, target } from './shared.js';

export const SCHEDULE_TABLE = defineCommand({
  name: 'schedule',
  summary: 'long-lived: run each journey on its cron schedule, record, alert, serve a status page and /metrics',
  description: [
    'Long-lived: runs each journey on its cron schedule, records and alerts, and serves /, /healthz, /metrics and',
    '/api/results. Stops cleanly on SIGTERM or SIGINT. Needs better-sqlite3 for the state store (npm i better-sqlite3).',
  ],
  flags: {
    config,
    target,
    store: {
      ...store,
      help: 'state store: a SQLite file or a postgres:// URL; default the config store, else .prober/state.db',
    },
    location,
    host: {
      type: 'string',
      arg: 'H',
      help: 'interface to serve on; default the config server.host, else 127.0.0.1',
      check: text(),
    },
    port: {
      type: 'string',
      arg: 'N',
      help: 'port to serve on (0 picks a free one); default the config server.port, else 9470',
      check: wholeNumber({ min: 0, max: 65_535, fallback: undefined, expected: 'a port number (0 picks a free one)' }),
    },
    'log-level': { ...logLevel, help: logLevel.help.replace('(default warn)', '(default info)') },
  },
});
