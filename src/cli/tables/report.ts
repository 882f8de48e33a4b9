import { defineCommand } from '../command-table.js';
import { text, wholeNumber } from '../flag-checks.js';

export const REPORT_TABLE = defineCommand({
  name: 'report',
  summary: 'write the status page (recent runs per journey) from the state store as one HTML file',
  description: ['Writes the status page (recent runs per journey) from the state store as one HTML file.'],
  flags: {
    html: { type: 'string', arg: 'FILE', help: 'where to write the page (required)', check: text() },
    store: {
      type: 'string',
      arg: 'PATH|URL',
      help: 'state store: a SQLite file or a postgres:// URL (a fleet); default .prober/state.db',
      check: text(),
    },
    refresh: {
      type: 'string',
      arg: 'SECONDS',
      help: 'make the page reload itself every SECONDS',
      check: wholeNumber({ min: 1, max: 86_400, fallback: undefined }),
    },
    runs: {
      type: 'string',
      arg: 'N',
      help: 'runs shown per journey',
      check: wholeNumber({ min: 1, max: 1_000, fallback: undefined }),
    },
  },
});
