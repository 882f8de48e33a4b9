import { randomBytes } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';

export const TOKEN_ISSUER = 'sandbox-auth';
export const TOKEN_AUDIENCE = 'chat-backend';

export type TokenCheck =
  | { valid: true; sub: string; sid: string; aud: string }
  | { valid: false; reason: 'bad_signature' | 'expired' | 'wrong_audience' | 'malformed' };

/** Signs and checks the sandbox's HS256 access tokens; the key lives and dies with the sandbox. */
export class TokenIssuer {
  readonly #key = new Uint8Array(randomBytes(32));

  sign(claims: { sub: string; sid: string; ttlSec: number; audience?: string }): Promise<string> {
    return new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(claims.audience ?? TOKEN_AUDIENCE)
      .setSubject(claims.sub)
      .setIssuedAt()
      .setExpirationTime(`${claims.ttlSec}s`)
      .sign(this.#key);
  }

  /** `audience` undefined skips the audience check (logout accepts any token it issued). */
  async check(token: string, audience: string | undefined = TOKEN_AUDIENCE): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        issuer: TOKEN_ISSUER,
        algorithms: ['HS256'],
        ...(audience === undefined ? {} : { audience }),
      });
      const aud = Array.isArray(payload.aud) ? payload.aud.join(' ') : (payload.aud ?? '');
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
        return { valid: false, reason: 'malformed' };
      return { valid: true, sub: payload.sub, sid: payload.sid, aud };
    } catch (err) {
      return { valid: false, reason: reasonFor(err) };
    }
  }
}

function reasonFor(err: unknown): 'bad_signature' | 'expired' | 'wrong_audience' | 'malformed' {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud') return 'wrong_audience';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  return 'malformed';
}
