import { defineCommand } from '../command-table.js';
import { wholeNumber } from '../flag-checks.js';
import { config, logLevel, target } from './shared.js';

export const JANITOR_TABLE = defineCommand({
  name: 'janitor',
  summary: 'delete synthetic leftovers (chat sessions of killed runs) and say how many',
  positional: { name: 'JOURNEY', multiple: true, help: 'only these journeys (default: every journey with a janitor)' },
  description: ['Deletes synthetic leftovers (e.g. chat sessions of killed runs) and says how many.'],
  flags: {
    config,
    'older-than': {
      type: 'string',
      arg: 'MS',
      help: 'only leftovers older than this many milliseconds (default: the config janitor.olderThanMs)',
      check: wholeNumber({
        min: 0,
        max: Number.MAX_SAFE_INTEGER,
        fallback: undefined,
        expected: 'milliseconds (a whole number ≥ 0)',
      }),
    },
    target,
    'log-level': logLevel,
  },
});
