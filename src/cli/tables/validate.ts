import { defineCommand } from '../command-table.js';
import { config, target } from './shared.js';

export const VALIDATE_TABLE = defineCommand({
  name: 'validate',
  summary: 'load the config and journeys; print what would run and when, every warning, or every problem',
  description: [
    'The one validation pass run and schedule also make: prints what would run and when (and warnings on stderr),',
    'or every problem, one line each (exit 2).',
  ],
  flags: { config, target },
});

export const LIST_TABLE = defineCommand({
  name: 'list',
  summary: 'list journeys, their steps and schedules (does not need the secrets)',
  description: ['Lists journeys, their steps and schedules (does not need the secrets).'],
  flags: { config },
});
