/** What a token endpoint answered, every credential in it redacted before anything else sees it. */
export interface Tokens {
  readonly accessToken: string;
  readonly tokenType: string;
  readonly idToken?: string;
  readonly refreshToken?: string;
  /** Seconds, as the provider said. */
  readonly expiresIn?: number;
  readonly scope?: string;
  /** The ID token's claims (openid-client has checked issuer, audience, expiry and nonce). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

interface TokenResponse {
  access_token: string;
  token_type: string;
  id_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  claims?: () => unknown;
}

export function tokensOf(res: TokenResponse, markSecret: (v: string) => void): Tokens {
  for (const v of [res.access_token, res.id_token, res.refresh_token]) if (v !== undefined) markSecret(v);
  const claims = typeof res.claims === 'function' ? (res.claims() as Record<string, unknown> | undefined) : undefined;
  return {
    accessToken: res.access_token,
    tokenType: res.token_type,
    ...(res.id_token === undefined ? {} : { idToken: res.id_token }),
    ...(res.refresh_token === undefined ? {} : { refreshToken: res.refresh_token }),
    ...(res.expires_in === undefined ? {} : { expiresIn: res.expires_in }),
    ...(res.scope === undefined ? {} : { scope: res.scope }),
    ...(claims === undefined ? {} : { claims }),
  };
}
