import type { Configuration } from 'openid-client';
import type { StepContext } from '../journey/define.js';
import { StepFailure } from '../journey/errors.js';
import type { HtmlForm, HttpResponse } from '../journey/step-clients.js';
import { type LoginFill, signInHeadless } from './headless-login.js';
import { oauthFailure } from './oauth-failure.js';
import { stepFetch } from './step-fetch.js';
import { tokensOf, type Tokens } from './tokens.js';

/**
 * OpenID Connect and OAuth2 for a step, on openid-client v6 (oauth4webapi and jose underneath: certified, kept by the
 * author of jose, no dependencies of its own beyond those two). It does the protocol (discovery, PKCE, state, the
 * token requests, ID token claims); this file routes its requests through `ctx.http`, redacts every token, code,
 * verifier and secret as soon as it exists, and turns the provider's refusals into `auth` in its words.
 */

export interface OidcOptions {
  /** The issuer URL; its `/.well-known/openid-configuration` is read (one request, in the step that calls this). */
  issuer: string;
  clientId: string;
  /** A confidential client's secret (sent as HTTP Basic, `client_secret_basic`); redacted. */
  clientSecret?: string;
  /** Where the provider sends the browser back with the code: the chain stops there, unloaded. */
  redirectUri?: string;
  /** Default `openid`. */
  scope?: string;
  /** Extra authorization and token request parameters (`resource`, `audience`, `prompt`). */
  params?: Record<string, string>;
}

/** An OpenID Provider or OAuth2 authorization server, discovered for the current step. */
export interface OidcClient {
  /** The discovered metadata (issuer, endpoints, jwks_uri). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /**
   * Authorization code + PKCE without a browser: follows the authorization request to the login page, submits its
   * forms with `login` (fields to fill on each form, or your own function over the page) until the provider redirects
   * to `redirectUri`, then exchanges the code. A wrong password (the form comes back) or a denied consent (`error=` on
   * the redirect) fails as `auth` in the provider's words.
   */
  authorizationCode(login: LoginFill | ((page: LoginPage) => Promise<HttpResponse>)): Promise<Tokens>;
  /** The same flow in `ctx.page`: `fill` signs in on the provider's pages; the redirect to `redirectUri` is caught. */
  authorizationCodeInBrowser(
    fill: (page: StepContext['page']) => Promise<void>,
    options?: { loginFailed?: { selector?: string; text?: string } },
  ): Promise<Tokens>;
  clientCredentials(params?: Record<string, string>): Promise<Tokens>;
  /** The resource owner password grant (legacy; where a provider still offers it). */
  password(username: string, password: string, params?: Record<string, string>): Promise<Tokens>;
  refresh(refreshToken: string, params?: Record<string, string>): Promise<Tokens>;
}

/** A provider's page during a headless login: forms read from it submit with the chain stopping at `redirectUri`. */
export interface LoginPage extends HttpResponse {}

export async function oidc(ctx: StepContext<unknown>, options: OidcOptions): Promise<OidcClient> {
  const client = await import('openid-client');
  if (options.clientSecret !== undefined) ctx.markSecret(options.clientSecret);
  const { config, guard } = await discover(ctx, client, options);
  const metadata = config.serverMetadata() as unknown as Record<string, unknown>;
  const scope = options.scope ?? 'openid';
  const extra = options.params ?? {};
  const tokens: Grant = async (what, run) => tokensOf(await guard(what, run), ctx.markSecret);
  const signIn = codeFlow(ctx, client, config, options, tokens);
  return {
    metadata,
    authorizationCode: (login) => signIn((url, redirectUri) => signInHeadless(ctx, url, redirectUri, login)),
    authorizationCodeInBrowser: (fill, browserOptions) =>
      signIn(async (url, redirectUri) => {
        const { signInInBrowser } = await import('./browser-login.js');
        return signInInBrowser(ctx, url, redirectUri, fill, browserOptions?.loginFailed);
      }),
    clientCredentials: (params) =>
      tokens('the client credentials grant', () =>
        client.clientCredentialsGrant(config, {
          ...(options.scope === undefined ? {} : { scope }),
          ...extra,
          ...params,
        }),
      ),
    password: (username, password, params) => {
      ctx.markSecret(password);
      return tokens('the password grant', () =>
        client.genericGrantRequest(config, 'password', { username, password, scope, ...extra, ...params }),
      );
    },
    refresh: (refreshToken, params) => {
      ctx.markSecret(refreshToken);
      return tokens('the refresh token grant', () =>
        client.refreshTokenGrant(config, refreshToken, { ...extra, ...params }),
      );
    },
  };
}

type OpenIdClient = typeof import('openid-client');
type Guard = <T>(what: string, run: () => Promise<T>) => Promise<T>;
/** A token request, its tokens redacted as they arrive. */
type Grant = (what: string, run: () => Promise<Parameters<typeof tokensOf>[0]>) => Promise<Tokens>;

/**
 * The provider's metadata, read through `ctx.http`, and the guard each of the client's requests runs in: it turns
 * the provider's refusals into `auth` in its words.
 */
async function discover(
  ctx: StepContext<unknown>,
  client: OpenIdClient,
  options: OidcOptions,
): Promise<{ config: Configuration; guard: Guard }> {
  const transport = stepFetch(ctx);
  // A failure of our own request is the wire's (network, timeout), not openid-client's wrapper around it.
  const guard: Guard = async (what, run) => {
    try {
      return await run();
    } catch (err) {
      const own = transport.failure();
      if (own !== undefined && (err === own || causedBy(err, own))) throw own;
      const mapped = oauthFailure(err, what);
      if (mapped !== undefined) throw mapped;
      throw err;
    }
  };
  const issuer = new URL(options.issuer);
  const config: Configuration = await guard(`discovery of ${issuer.origin}${issuer.pathname}`, () =>
    client.discovery(
      issuer,
      options.clientId,
      options.clientSecret === undefined ? { token_endpoint_auth_method: 'none' } : {},
      options.clientSecret === undefined ? client.None() : client.ClientSecretBasic(options.clientSecret),
      {
        [client.customFetch]: transport.fetch as never,
        // A staging issuer on plain http (a local IdP) is the config's choice, not something to refuse here.
        ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      },
    ),
  );
  return { config, guard };
}

/**
 * The authorization code flow around a sign-in (headless or in the browser): the authorization URL with PKCE and
 * state, the sign-in, which ends at the redirect to `redirectUri`, and the exchange of the code on that redirect.
 */
function codeFlow(
  ctx: StepContext<unknown>,
  client: OpenIdClient,
  config: Configuration,
  options: OidcOptions,
  tokens: Grant,
): (signIn: (url: string, redirectUri: string) => Promise<string>) => Promise<Tokens> {
  const redirectUri = () => {
    if (options.redirectUri === undefined)
      throw new StepFailure('prober', 'oidc(): the authorization code flow needs redirectUri');
    return options.redirectUri;
  };
  const extra = options.params ?? {};
  return async (signIn) => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    ctx.markSecret(verifier);
    ctx.markSecret(state);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(),
      scope: options.scope ?? 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...extra,
    });
    const callback = await signIn(url.toString(), redirectUri());
    const code = new URL(callback).searchParams.get('code');
    if (code !== null) ctx.markSecret(code);
    return tokens('the authorization code exchange', () =>
      client.authorizationCodeGrant(
        config,
        new URL(callback),
        { pkceCodeVerifier: verifier, expectedState: state },
        extra,
      ),
    );
  };
}

function causedBy(err: unknown, own: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if (e === own) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export type { HtmlForm };
