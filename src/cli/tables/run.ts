import { existsSync } from 'node:fs';
import { z } from 'zod';
import { defineCommand } from '../command-table.js';
import { duration, list, oneOf, on, pairs, text, wholeNumber } from '../flag-checks.js';
import { config, failOn, location, logFormat, logLevel, reporter, store, target } from './shared.js';

const DEBUG = 'Debugging a journey';

export const RUN_TABLE = defineCommand({
  name: 'run',
  summary: 'run the journeys once and report the verdict (CI, cron, a deploy script)',
  positional: { name: 'JOURNEY', multiple: true, help: 'journeys to run by name (default: every enabled one)' },
  description: ['Runs the selected journeys (default: every enabled one) once and reports the verdict.'],
  flags: {
    config,
    reporter,
    'fail-on': failOn,
    target,
    retries: {
      type: 'string',
      arg: 'N',
      help: 're-run a failed journey up to N times; a pass after a failure is "flaky" (exit 1 unless --allow-flaky)',
      check: wholeNumber({ min: 0, max: 999, fallback: 0 }),
      selects: 'retries' as const,
    },
    'retry-delay': {
      type: 'string',
      arg: 'D',
      help: 'wait D (e.g. 2s, 500ms) before each retry; every attempt gets a fresh browser context',
      check: duration(0),
      selects: 'retryDelayMs' as const,
    },
    'allow-flaky': { type: 'boolean', help: 'exit 0 for flaky journeys', check: on() },
    grep: {
      type: 'string',
      arg: 'RE',
      help: 'only journeys whose name or description match RE',
      check: text(),
      selects: 'grep' as const,
    },
    tag: {
      type: 'string',
      multiple: true,
      arg: 'T',
      help: 'only journeys carrying tag T (repeatable)',
      check: list(),
      selects: 'tags' as const,
    },
    list: { type: 'boolean', help: 'print what would run and stop (needs no secrets)', check: on() },
    'expect-version': {
      type: 'string',
      multiple: true,
      arg: 'S=V',
      help: 'before judging, wait until service S reports version V (repeatable; exit 3 if not live within --wait-ready)',
      check: pairs(),
    },
    'wait-ready': {
      type: 'string',
      arg: 'D',
      help: 'how long to wait for --expect-version, e.g. 5m',
      check: duration(0),
    },
    store: {
      ...store,
      help: 'also record the result in this state store (the history prober schedule and prober report show)',
    },
    location,
    'log-level': logLevel,
    'log-format': logFormat,
    // Not --env-file: Node 20 itself reads that flag from anywhere in argv (and exits 9 when the file is missing).
    dotenv: {
      type: 'string',
      arg: 'PATH',
      help: 'read environment variables (the ${env:NAME} secrets) from this .env file first; variables already set win',
      check: z
        .string()
        .optional()
        .refine((path) => path === undefined || existsSync(path), {
          error: (issue) => `no such file: ${String(issue.input)}`,
        }),
    },
    headed: { type: 'boolean', section: DEBUG, help: 'show the browser window (browser journeys)', check: on() },
    trace: {
      type: 'string',
      section: DEBUG,
      arg: 'MODE',
      help: 'keep a Playwright trace: on (every journey), on-failure, off (overrides browser.trace)',
      check: oneOf(['on', 'on-failure', 'off'], undefined),
    },
    until: {
      type: 'string',
      section: DEBUG,
      arg: 'STEP',
      help: 'run up to and including STEP, then only the always (cleanup) steps',
      check: text(),
      selects: 'untilStep' as const,
    },
    debug: { type: 'boolean', section: DEBUG, help: 'open the Playwright inspector (PWDEBUG=1, headed)', check: on() },
    watch: {
      type: 'boolean',
      section: DEBUG,
      help: 'run again whenever the config or a journey file changes (Ctrl-C to stop)',
      check: on(),
    },
  },
  footer: [
    'Exit codes: 0 passed (or degraded), 1 failed (or flaky), 2 could not judge, 3 version never went live, 4 verdict given but not stored (--store), 130/143 interrupted.',
  ],
});
