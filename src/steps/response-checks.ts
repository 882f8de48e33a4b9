import type { ZodType } from 'zod';
import { zodSummary } from '../journey/classify-failure.js';
import { StepFailure } from '../journey/errors.js';

/**
 * A status the step did not expect, saying what it expected and, when the server said why (`reason`, from
 * `serverReason`), its words. 401/403 mean the credentials or token were refused: category `auth`.
 */
export function statusFailure(
  status: number,
  what: string,
  expected: number | readonly number[] | '2xx' | 'any' = '2xx',
  reason?: string,
): StepFailure {
  const category = status === 401 || status === 403 ? 'auth' : 'http_status';
  const said = reason === undefined ? '' : `; the server said: ${reason}`;
  return new StepFailure(category, `${what} returned HTTP ${status}, expected ${describeExpected(expected)}${said}`, {
    httpStatus: status,
  });
}

export function describeExpected(expected: number | readonly number[] | '2xx' | 'any'): string {
  if (typeof expected === 'number') return String(expected);
  if (expected === '2xx' || expected === 'any') return expected;
  return expected.length === 1 ? String(expected[0]) : `one of ${expected.join(', ')}`;
}

/** Parses JSON and validates it; the message names the content type, size and zod path, never the body. */
export function parseWith<T>(schema: ZodType<T>, text: string, contentType?: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StepFailure(
      'contract',
      `response is not valid JSON (content-type ${contentType ?? 'none'}, ${Buffer.byteLength(text)} bytes)`,
    );
  }
  return validate(schema, value, 'response');
}

export function validate<T>(schema: ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new StepFailure('contract', `${what} did not match the expected shape: ${zodSummary(parsed.error.issues)}`);
  return parsed.data;
}
