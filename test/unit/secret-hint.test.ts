import { describe, expect, it } from 'vitest';
import { secretHint } from '../../src/journey/secret-hint.js';
import type { StepOutcome } from '../../src/journey/step-outcome.js';

const failed = (category: NonNullable<StepOutcome['error']>['category']): StepOutcome => ({
  status: 'fail',
  error: { category, message: 'POST /login returned HTTP 401', httpStatus: 401 },
});

describe('secretHint', () => {
  it.each([
    [
      'auth, one secret read',
      failed('auth'),
      ['password'],
      'the app refused the credentials: check secret "password" (secrets.password in the config)',
    ],
    [
      'auth, two secrets read',
      failed('auth'),
      ['user', 'password'],
      'the app refused the credentials: check secrets "user", "password" (secrets.user, secrets.password in the config)',
    ],
    ['auth, no secret read', failed('auth'), undefined, undefined],
    ['auth, an empty list', failed('auth'), [], undefined],
    ['another category', failed('http_status'), ['password'], undefined],
    ['a passed step', { status: 'pass' } as StepOutcome, ['password'], undefined],
  ] as const)('%s', (_, outcome, read, hint) => {
    expect(secretHint(outcome, read)).toBe(hint);
  });
});
