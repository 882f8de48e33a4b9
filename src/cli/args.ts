import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ProberSetupError } from '../journey/errors.js';
import { LOG_LEVELS } from '../log.js';
import type { Level } from 'pino';

/** parseArgs with its errors turned into one-line usage problems (exit 2), never a stack trace. */
type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

export function parse<T extends Options>(command: string, argv: string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? 'bad arguments';
    throw new ProberSetupError([`prober ${command}: ${message} (see prober --help)`]);
  }
}

/** `NAME=VALUE` pairs from repeated flags, e.g. `--target auth=http://…`. */
export function parsePairs(flag: string, values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new ProberSetupError([`--${flag}: expected NAME=VALUE, got "${v}"`]);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

export function parseLogLevel(value: string | undefined): Level | 'silent' | undefined {
  if (value === undefined) return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ProberSetupError([`--log-level: "${value}" is not one of ${LOG_LEVELS.join(', ')}`]);
  }
  return value as Level | 'silent';
}

export function parseFailOn(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value !== 'degraded') throw new ProberSetupError([`--fail-on: only "degraded" is supported, got "${value}"`]);
  return true;
}

/** A whole number ≥ 0 (`--retries`). */
export function parseCount(flag: string, value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,3}$/.test(value)) throw new ProberSetupError([`--${flag}: expected a whole number from 0 to 999, got "${value}"`]);
  return Number(value);
}

/** `500ms`, `30s`, `5m` → milliseconds. A unit is required: a bare number is ambiguous at 3 a.m. */
export function parseDuration(flag: string, value: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(value);
  if (m === null) throw new ProberSetupError([`--${flag}: expected a duration with a unit such as 500ms, 30s or 5m, got "${value}"`]);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1_000 : 60_000);
}
