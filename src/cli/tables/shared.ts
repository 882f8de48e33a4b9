import type { Level } from 'pino';
import { LOG_FORMATS } from '../../log-format.js';
import type { FlagSpec } from '../command-table.js';
import { list, oneOf, pairs, text } from '../flag-checks.js';

/** Flags several commands share: one definition each, so their help and checks are the same everywhere. */

/**
 * pino's levels, spelled here rather than imported from log.ts so that help and argument parsing do not load pino
 * (test/unit/flag-checks.test.ts checks the two lists are the same).
 */
export const LOG_LEVEL_NAMES = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const satisfies readonly (Level | 'silent')[];

export const config = {
  type: 'string',
  arg: 'F',
  help: 'config file (TypeScript or JSON); default $PROBER_CONFIG, else the first prober.config.{ts,mts,js,mjs,json} here or in a parent folder',
  check: text(),
} satisfies FlagSpec;

export const target = {
  type: 'string',
  multiple: true,
  arg: 'NAME=URL',
  help: 'override a target from the config (repeatable)',
  check: pairs(),
} satisfies FlagSpec;

export const logLevel = {
  type: 'string',
  arg: 'L',
  help: `log level on stderr: ${LOG_LEVEL_NAMES.join(', ')} (default warn)`,
  check: oneOf(LOG_LEVEL_NAMES, undefined),
} satisfies FlagSpec;

export const logFormat = {
  type: 'string',
  arg: 'F',
  help: 'pretty (one line per log entry) or json (pino JSON lines, for machines)',
  check: oneOf(LOG_FORMATS, 'pretty'),
} satisfies FlagSpec;

export const reporter = {
  type: 'string',
  multiple: true,
  arg: 'R[=PATH]',
  help: 'console (default), json, junit, html, github, ndjson; without a path json/junit/html/ndjson write to stdout (repeatable)',
  check: list(),
} satisfies FlagSpec;

export const failOn = {
  type: 'string',
  arg: 'degraded',
  help: 'exit 1 when a journey is degraded (over its latency budget)',
  check: oneOf(['degraded'], undefined),
} satisfies FlagSpec;

export const store = {
  type: 'string',
  arg: 'PATH|URL',
  help: 'state store: a SQLite file or a postgres:// URL (run history, alert state)',
  check: text(),
} satisfies FlagSpec;

export const location = {
  type: 'string',
  arg: 'L',
  help: 'where this prober stands (fleet), on results, metrics and alerts; beats $PROBER_LOCATION and the config',
  check: text(),
} satisfies FlagSpec;

export const fault = {
  type: 'string',
  multiple: true,
  arg: 'STEP=EFFECT',
  help: 'inject a fault, e.g. chat.reply=silent, auth.token=http500 (repeatable)',
  check: list(),
} satisfies FlagSpec;
