import { z } from 'zod';
import { zodSummary } from '../journey/classify-failure.js';
import { StepFailure } from '../journey/errors.js';

/**
 * Runtime checks of the options a probe passes to `ctx.http`, `ctx.sse` and `ctx.ws`. TypeScript is not checked
 * when a journey runs, so a misspelt option (`jsno`) would otherwise be ignored and send a wrong request: a false
 * alarm. A bad option is the probe's bug: `prober`, status `error`. Messages name keys and types, never values.
 */

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const Headers = z.record(z.string(), z.string());
const Expected = z.union([z.number().int(), z.array(z.number().int()).readonly(), z.literal('2xx'), z.literal('any')]);

const HttpFields = {
  headers: Headers.optional(),
  json: z.unknown().optional(),
  body: z.string().optional(),
  form: z.record(z.string(), z.union([Scalar, z.array(Scalar)])).optional(),
  query: z.record(z.string(), z.union([Scalar, z.array(Scalar), z.undefined()])).optional(),
  bearer: z.string().optional(),
  basic: z.strictObject({ username: z.string(), password: z.string() }).optional(),
  expect: Expected.optional(),
};

const oneBody = (o: { json?: unknown; body?: unknown; form?: unknown }) =>
  [o.json, o.body, o.form].filter((v) => v !== undefined).length <= 1;
const oneAuth = (o: { bearer?: unknown; basic?: unknown }) => o.bearer === undefined || o.basic === undefined;

const RedirectFields = {
  redirect: z.enum(['manual', 'follow']).optional(),
  maxRedirects: z.number().int().min(0).max(50).optional(),
  stopAt: z.string().min(1).optional(),
};
const redirectsFollowed = (o: { redirect?: unknown; maxRedirects?: unknown; stopAt?: unknown }) =>
  o.redirect === 'follow' || (o.maxRedirects === undefined && o.stopAt === undefined);

export const HttpOptionsSchema = z
  .strictObject({ ...HttpFields, ...RedirectFields })
  .refine(oneBody, { message: 'give at most one of json, body and form' })
  .refine(oneAuth, { message: 'give basic or bearer, not both' })
  .refine(redirectsFollowed, { message: "maxRedirects and stopAt need redirect: 'follow'" });

export const SseOptionsSchema = z
  .strictObject({ ...HttpFields, method: z.string().optional() })
  .refine(oneBody, { message: 'give at most one of json, body and form' })
  .refine(oneAuth, { message: 'give basic or bearer, not both' });

export const WsOptionsSchema = z.strictObject({
  headers: Headers.optional(),
  bearer: z.string().optional(),
  protocols: z.array(z.string()).optional(),
  frames: z
    .union([
      z.enum(['json', 'text', 'binary']),
      z.custom<(...args: never[]) => unknown>(
        (v) => typeof v === 'function',
        'expected json, text, binary or a parser function',
      ),
    ])
    .optional(),
});

/**
 * The options as given (never a parsed copy: a `json` body keeps its identity), after checking them; an unknown key
 * or a wrong type throws a `prober` failure naming the call and the key.
 */
export function checkOptions<O extends object>(schema: z.ZodType, options: O | undefined, call: string): O {
  if (options === undefined) return {} as O;
  if (schema === HttpOptionsSchema && plainHttpOptions(options)) return options;
  const parsed = schema.safeParse(options);
  if (parsed.success) return options;
  throw new StepFailure('prober', `${call}: invalid options: ${zodSummary(parsed.error.issues)}`);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
const isStatus = (v: unknown) => Number.isSafeInteger(v);

/**
 * The shapes nearly every request passes (`{ json }`, `{ bearer, json }`, `{ expect: [204, 404] }`), accepted
 * without zod, which costs a request more than the rest of its checks. Never more lenient than `HttpOptionsSchema`:
 * anything else (form, query, basic, or any doubt) goes to the schema, which also words the error.
 */
export function plainHttpOptions(options: object): boolean {
  if (!isPlainObject(options)) return false;
  let bodies = 0;
  for (const key of Object.keys(options)) {
    const v = options[key];
    if (key === 'json') bodies += v === undefined ? 0 : 1;
    else if (key === 'body' || key === 'bearer') {
      if (v !== undefined && typeof v !== 'string') return false;
      if (key === 'body' && v !== undefined) bodies++;
    } else if (key === 'headers') {
      if (v !== undefined && !(isPlainObject(v) && Object.values(v).every((h) => typeof h === 'string'))) return false;
    } else if (key === 'expect') {
      if (!(v === undefined || v === '2xx' || v === 'any' || isStatus(v) || (Array.isArray(v) && v.every(isStatus))))
        return false;
    } else return false;
  }
  return bodies <= 1;
}
