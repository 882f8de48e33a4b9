import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidc } from 'golden-path-prober';
import { oauthFailure } from '../../src/login/oauth-failure.js';
import { runSteps } from './run-in-process.js';

// The password grant (oidc-provider does not offer it) against a small OAuth2 server with RFC 8414 metadata, and the
// mapping of the libraries' errors to categories as a table.
const PASSWORD = 'canary-GrantPassword-5150';
let server: Server;
let issuer = '';
beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.url === '/.well-known/oauth-authorization-server' || req.url === '/.well-known/openid-configuration')
      return json(200, { issuer, token_endpoint: `${issuer}/token` });
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'password') return json(400, { error: 'unsupported_grant_type' });
    if (form.get('password') !== PASSWORD)
      return json(400, { error: 'invalid_grant', error_description: 'Invalid user credentials' });
    return json(200, { access_token: 'opaque-canary-AccessToken-777', token_type: 'Bearer', expires_in: 60 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server?.close());

describe('the password grant', () => {
  const grant = (password: string) =>
    runSteps(
      [
        {
          name: 'auth.token',
          run: async (ctx) => {
            const client = await oidc(ctx, { issuer: ctx.target('auth'), clientId: 'cli', scope: 'api' });
            const tokens = await client.password('alice', ctx.secret('password'));
            ctx.fail('assertion', `got ${tokens.accessToken}`);
          },
        },
      ],
      { targets: { auth: issuer }, secrets: { password } },
    );

  it('returns the token, redacted without a markSecret call', async () => {
    const r = await grant(PASSWORD);
    expect(r.journey.failure?.message).toBe('got [REDACTED]');
    expect(r.json).not.toContain('opaque-canary-AccessToken-777');
  });

  it('a refused password is auth with the provider’s error and description', async () => {
    const r = await grant('canary-Wrong-0001');
    expect(r.journey.failure).toMatchObject({
      category: 'auth',
      message: 'the password grant: the provider refused (HTTP 400): invalid_grant: Invalid user credentials',
    });
  });
});

describe('oauthFailure', () => {
  it.each([
    [
      { code: 'OAUTH_RESPONSE_BODY_ERROR', status: 401, error: 'invalid_client', error_description: 'bad secret' },
      'auth',
      'x: the provider refused (HTTP 401): invalid_client: bad secret',
    ],
    [
      { code: 'OAUTH_RESPONSE_BODY_ERROR', status: 503, error: 'temporarily_unavailable' },
      'http_status',
      'x: the provider refused (HTTP 503): temporarily_unavailable',
    ],
    [
      { code: 'OAUTH_AUTHORIZATION_RESPONSE_ERROR', error: 'access_denied', error_description: 'End-User aborted' },
      'auth',
      'x: the provider answered with error=access_denied: End-User aborted',
    ],
    [
      {
        code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE',
        cause: [{ parameters: { error: 'invalid_token' } }],
        response: { status: 401 },
      },
      'auth',
      'x: the provider refused (HTTP 401): invalid_token',
    ],
    [
      {
        code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
        message: 'unexpected JWT claim value encountered',
        cause: { message: 'unexpected JWT "aud" (audience) claim value' },
      },
      'auth',
      'x: unexpected JWT "aud" (audience) claim value',
    ],
    [{ code: 'OAUTH_RESPONSE_IS_NOT_CONFORM', cause: { status: 404 } }, 'http_status', 'x: unexpected HTTP status 404'],
    [
      { code: 'OAUTH_RESPONSE_IS_NOT_JSON', message: 'm', cause: { message: 'unexpected content-type' } },
      'contract',
      'x: unexpected content-type',
    ],
    [
      { code: 'ERR_JWT_EXPIRED', message: '"exp" claim timestamp check failed', claim: 'exp', reason: 'check_failed' },
      'auth',
      'x: "exp" claim timestamp check failed (claim "exp": check_failed)',
    ],
    [
      { code: 'ERR_JWKS_NO_MATCHING_KEY', message: 'no applicable key found in the JSON Web Key Set' },
      'auth',
      'x: no applicable key found in the JSON Web Key Set',
    ],
  ])('%j → %s', (err, category, message) => {
    expect(oauthFailure(err, 'x')).toMatchObject({ category, message });
  });

  it('leaves a transport error to the wire', () => {
    expect(
      oauthFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'x'),
    ).toBeUndefined();
  });
});
