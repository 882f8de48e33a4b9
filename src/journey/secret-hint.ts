import type { StepOutcome } from './step-outcome.js';

/**
 * An `auth` failure at a step that read secrets names them: a 401 of the synthetic account usually means its
 * password or key was rotated, and the operator needs to know which secret to check. Only names, never a value or
 * its length: the names come from `ctx.secret(name)` calls, the values never reach this function. A note beside
 * the error rather than part of it: the error stays the server's own words, which logins and alerts quote.
 */
export function secretHint(outcome: StepOutcome, secretsRead: readonly string[] | undefined): string | undefined {
  if (outcome.error?.category !== 'auth' || secretsRead === undefined || secretsRead.length === 0) return undefined;
  const quoted = secretsRead.map((n) => `"${n}"`).join(', ');
  const where = secretsRead.map((n) => `secrets.${n}`).join(', ');
  return `the app refused the credentials: check secret${secretsRead.length === 1 ? '' : 's'} ${quoted} (${where} in the config)`;
}
