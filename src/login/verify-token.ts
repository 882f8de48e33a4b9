import type { StepContext } from '../journey/define.js';
import { StepFailure } from '../journey/errors.js';
import { z } from 'zod';
import { oauthFailure } from './oauth-failure.js';

export interface VerifyTokenOptions {
  /** The expected `iss`; also where the JWKS is discovered when `jwksUri` is not given. */
  issuer: string;
  /** The expected `aud` (one of them). */
  audience: string | string[];
  /** Where the signing keys are; default: the issuer's discovery document's `jwks_uri`. */
  jwksUri?: string;
  /** Accepted signature algorithms. Default `['RS256', 'PS256', 'ES256', 'EdDSA']`. */
  algorithms?: string[];
  /** Seconds of clock skew tolerated for `exp` / `nbf`. Default 5. */
  clockToleranceSec?: number;
}

const Discovery = z.object({ jwks_uri: z.string() });
const Jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

/**
 * Verifies a JWT (an access or ID token) with jose against the provider's keys, fetched through `ctx.http` in this
 * step: signature, algorithm, issuer, audience, expiry. A failed check is `auth` naming the claim; an unreachable
 * provider is `network` at this step. Returns the claims.
 */
export async function verifyToken(
  ctx: StepContext<unknown>,
  token: string,
  options: VerifyTokenOptions,
): Promise<Record<string, unknown>> {
  ctx.markSecret(token);
  const jose = await import('jose');
  const issuer = options.issuer.replace(/\/+$/, '');
  const jwksUri =
    options.jwksUri ??
    (await (await ctx.http.get(`${issuer}/.well-known/openid-configuration`)).json(Discovery)).jwks_uri;
  const jwks = await (await ctx.http.get(jwksUri)).json(Jwks);
  try {
    const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks as never), {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: options.algorithms ?? ['RS256', 'PS256', 'ES256', 'EdDSA'],
      clockTolerance: options.clockToleranceSec ?? 5,
    });
    return payload as Record<string, unknown>;
  } catch (err) {
    throw (
      oauthFailure(err, 'the token failed verification') ??
      new StepFailure('auth', `the token failed verification: ${String(err)}`)
    );
  }
}
