import { defineCommand } from '../command-table.js';
import { list } from '../flag-checks.js';
import { config, logLevel } from './shared.js';

export const ALERT_TABLE = defineCommand({
  name: 'alert',
  sub: 'test',
  summary: 'send a test notification through each alert channel and say what each answered',
  positional: { name: 'test', help: 'the only sub-command: send a firing and a resolved test notification' },
  description: [
    'Sends a test notification through each configured alert channel (or the named ones) and says what each answered.',
  ],
  flags: {
    channel: { type: 'string', multiple: true, arg: 'NAME', help: 'only this channel (repeatable)', check: list() },
    config,
    'log-level': logLevel,
  },
});
