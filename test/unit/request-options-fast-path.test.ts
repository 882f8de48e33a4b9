import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpOptionsSchema, plainHttpOptions } from '../../src/steps/request-options.js';

// The fast path skips zod for the common request options; it may refuse what the schema accepts (the schema then
// decides), never the other way round.
const value = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constantFrom('2xx', 'any', 200, 204, 404),
  fc.array(fc.oneof(fc.integer(), fc.double(), fc.string()), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
  fc.object(),
);
const key = fc.constantFrom(
  'json',
  'body',
  'bearer',
  'headers',
  'expect',
  'form',
  'query',
  'basic',
  'jsno',
  'header',
  '__proto__',
);
const options = fc.dictionary(key, value, { maxKeys: 5 });

describe('plainHttpOptions: never more lenient than HttpOptionsSchema', () => {
  it('whatever it accepts, the schema accepts', () => {
    fc.assert(
      fc.property(options, (o) => {
        if (plainHttpOptions(o)) expect(HttpOptionsSchema.safeParse(o).success).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ['json body', { json: { a: 1 } }, true],
    ['bearer and json', { bearer: 't', json: {} }, true],
    ['expected statuses', { bearer: 't', expect: [204, 404] }, true],
    ['headers', { headers: { accept: 'text/event-stream' }, body: 'x' }, true],
    ['two bodies', { json: {}, body: 'x' }, false],
    ['a misspelt key', { jsno: {} }, false],
    ['a form (left to the schema)', { form: { a: 'b' } }, false],
    ['a non-string header', { headers: { a: 1 } }, false],
    ['a fractional status', { expect: 200.5 }, false],
  ])('%s', (_label, o, fast) => {
    expect(plainHttpOptions(o)).toBe(fast);
  });
});
