import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/journey/error-codes.js';
import { withDeadline } from '../../src/journey/with-deadline.js';

const coded = (code: string, extra: object = {}) => Object.assign(new Error(code), { code }, extra);
const cyclic = coded('EPIPE');
(cyclic as { cause?: unknown }).cause = cyclic;

describe('errorCodes: the one walker over cause chains and AggregateErrors', () => {
  it.each([
    ['a plain coded error', coded('ECONNREFUSED'), ['ECONNREFUSED']],
    [
      'undici wrapping the socket error in cause',
      new TypeError('fetch failed', { cause: coded('UND_ERR_SOCKET') }),
      ['UND_ERR_SOCKET'],
    ],
    [
      'happy eyeballs: one per address, deduplicated',
      new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED'), coded('ENETUNREACH')]),
      ['ECONNREFUSED', 'ENETUNREACH'],
    ],
    [
      'outermost first, nested errors before the cause',
      coded('UND_ERR_CONNECT', { errors: [coded('ETIMEDOUT')], cause: coded('EHOSTUNREACH') }),
      ['UND_ERR_CONNECT', 'ETIMEDOUT', 'EHOSTUNREACH'],
    ],
    ['a cycle ends', cyclic, ['EPIPE']],
    [
      'non-string codes and non-errors are ignored',
      [Object.assign(new Error('x'), { code: 42 }), 'ECONNRESET', null][0],
      [],
    ],
    ['a string is not an error', 'ECONNRESET', []],
  ] as const)('%s', (_name, err, codes) => {
    expect(errorCodes(err)).toEqual(codes);
  });
});

describe('withDeadline', () => {
  it('returns the work when it settles first (and its rejection stays a rejection)', async () => {
    await expect(withDeadline(Promise.resolve('done'), 3_600_000, () => 'late')).resolves.toBe('done');
    await expect(withDeadline(Promise.reject(new Error('boom')), 3_600_000, () => 'late')).rejects.toThrow('boom');
  });

  it("returns onTimeout's value, or rejects with what it throws, when the work never settles", async () => {
    const never = new Promise<string>(() => undefined);
    await expect(withDeadline(never, 1, () => false)).resolves.toBe(false);
    await expect(
      withDeadline(never, 1, (): never => {
        throw new Error('took too long');
      }),
    ).rejects.toThrow('took too long');
  });
});
