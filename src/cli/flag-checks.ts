import { z } from 'zod';

/**
 * The zod checks command tables use for flag values. Each message says what was expected and what was typed; the
 * parser prefixes `--flag:`. One duration parser and one whole-number parser for every command.
 */

/** A plain string flag (absent: undefined). */
export const text = () => z.string().optional();

/** A boolean switch (absent: false). */
export const on = () => z.boolean().default(false);

/** A repeatable string flag (absent: []). */
export const list = () => z.array(z.string()).default([]);

/** `500ms`, `30s`, `5m` → milliseconds. A unit is required: a bare number is ambiguous at 3 a.m. */
export function parseDurationMs(value: string): number | undefined {
  const m = /^(\d+)(ms|s|m)$/.exec(value);
  if (m === null) return undefined;
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1_000 : 60_000);
}

/** A duration with a unit, as milliseconds (absent: `fallback`). */
export function duration(fallback: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return fallback;
      const ms = parseDurationMs(value);
      if (ms === undefined)
        ctx.addIssue({
          code: 'custom',
          message: `expected a duration with a unit such as 500ms, 30s or 5m, got "${value}"`,
        });
      return ms ?? fallback;
    });
}

/** A whole number within `[min, max]` (absent: `fallback`, which may be undefined for "use the config's"). */
export function wholeNumber<D extends number | undefined>(options: {
  min: number;
  max: number;
  fallback: D;
  expected?: string;
}) {
  const expected = options.expected ?? `a whole number from ${options.min} to ${options.max}`;
  return z
    .string()
    .optional()
    .transform((value, ctx): number | D => {
      if (value === undefined) return options.fallback;
      const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (Number.isInteger(n) && n >= options.min && n <= options.max) return n;
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got "${value}"` });
      return options.fallback;
    });
}

/** One of a fixed set of words (absent: `fallback`). */
export function oneOf<const T extends readonly [string, ...string[]], D extends T[number] | undefined>(
  values: T,
  fallback: D,
) {
  const words = values.length === 1 ? `"${values[0]}"` : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
  return z
    .string()
    .optional()
    .transform((value, ctx): T[number] | D => {
      if (value === undefined) return fallback;
      if ((values as readonly string[]).includes(value)) return value as T[number];
      ctx.addIssue({ code: 'custom', message: `expected ${words}, got "${value}"` });
      return fallback;
    });
}

/** Repeated `NAME=VALUE` (e.g. `--target auth=http://…`) → a record (absent: {}). */
export function pairs() {
  return z
    .array(z.string())
    .default([])
    .transform((values, ctx) => {
      const out: Record<string, string> = {};
      for (const v of values) {
        const eq = v.indexOf('=');
        if (eq <= 0) ctx.addIssue({ code: 'custom', message: `expected NAME=VALUE, got "${v}"` });
        else out[v.slice(0, eq)] = v.slice(eq + 1);
      }
      return out;
    });
}
