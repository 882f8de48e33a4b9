import { defineCommand } from '../command-table.js';
import { failOn, fault, logLevel, reporter } from './shared.js';

export const DEMO_TABLE = defineCommand({
  name: 'demo',
  summary: 'start the bundled sandbox staging in-process (with faults) and run the journeys against it',
  positional: { name: 'JOURNEY', multiple: true, help: 'journeys to run (default: every enabled one)' },
  description: [
    'Starts the bundled sandbox staging in-process (with the given faults) and runs the journeys against it once.',
  ],
  flags: { fault, reporter, 'fail-on': failOn, 'log-level': logLevel },
});
