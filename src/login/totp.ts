import type { StepContext } from '../journey/define.js';
import { StepFailure } from '../journey/errors.js';

export interface TotpOptions {
  /** Default 6. */
  digits?: number;
  /** Seconds. Default 30. */
  period?: number;
  /** Default SHA1, as authenticator apps use. */
  algorithm?: 'SHA1' | 'SHA256' | 'SHA512';
}

/**
 * The current RFC 6238 one-time code for a base32 secret (as an authenticator app shows it), by otpauth. The secret
 * and the code are redacted before the code is returned: neither appears in any output. A rejected code shows as
 * the second-factor form coming back, which the form helper reports as `auth`.
 */
export async function totp(
  ctx: StepContext<unknown>,
  base32Secret: string,
  options: TotpOptions = {},
): Promise<string> {
  ctx.markSecret(base32Secret);
  const { Secret, TOTP } = await import('otpauth');
  let secret: InstanceType<typeof Secret>;
  try {
    secret = Secret.fromBase32(base32Secret.replace(/\s+/g, '').toUpperCase());
  } catch {
    throw new StepFailure('prober', 'totp(): the secret is not base32 (as in an otpauth:// URI)');
  }
  const code = new TOTP({
    secret,
    digits: options.digits ?? 6,
    period: options.period ?? 30,
    algorithm: options.algorithm ?? 'SHA1',
  }).generate();
  ctx.markSecret(code);
  return code;
}
