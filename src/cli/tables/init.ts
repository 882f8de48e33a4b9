import { defineCommand } from '../command-table.js';
import { on } from '../flag-checks.js';

export const INIT_TABLE = defineCommand({
  name: 'init',
  summary: 'scaffold config, journeys, tsconfig and a CI workflow here',
  description: [
    'Scaffolds a working project in the current folder: prober.config.ts, an API journey and a browser journey under',
    'probes/, tsconfig.json, .gitignore entries and a GitHub Actions workflow. Never overwrites a file that exists;',
    'running it again changes nothing. Prints the next two commands.',
  ],
  flags: {
    'from-playwright': {
      type: 'boolean',
      help: 'write a prober.config.ts that schedules the Playwright suite found here (docs/playwright-suites.md)',
      check: on(),
    },
  },
});

export const HELP_TABLE = defineCommand({
  name: 'help',
  summary: 'the overview, or the help of one command (same as prober COMMAND --help)',
  positional: { name: 'COMMAND', help: 'the command to explain' },
  description: ['Prints the overview, or the help of one command (same as prober COMMAND --help or -h).'],
  flags: {},
});
