/**
 * A real OpenID Provider (`oidc-provider` from npm) with its own login and consent pages, run as a child process by
 * test/logins/support/oidc-child.ts so a test can freeze it (SIGSTOP) or stop it. Prints one JSON line when ready.
 * Interactions are written as the library's documentation shows: `interactionDetails` / `interactionFinished`, a
 * CSRF hidden field and a relative form action. Test controls: POST /__test/deny-consent, /__test/rotate-keys.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

const [username, password, clientSecret, redirectUri, resource, audience] = JSON.parse(
  process.argv[2] ?? '[]',
) as string[];

let denyConsent = false;
const csrfs = new Set<string>();

async function signingKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomBytes(6).toString('hex'), alg: 'RS256', use: 'sig' };
}

async function configuration(): Promise<Configuration> {
  return {
    clients: [
      {
        client_id: 'web-app',
        client_secret: clientSecret,
        redirect_uris: [redirectUri ?? ''],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'service',
        client_secret: clientSecret,
        redirect_uris: [],
        response_types: [],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [await signingKey()] },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource ?? '',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'api',
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    scopes: ['openid', 'offline_access', 'api'],
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key'] },
  };
}

async function body(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

function html(res: ServerResponse, status: number, content: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><body>${content}</body></html>`);
}

function loginPage(uid: string, error?: string): string {
  const csrf = randomBytes(12).toString('hex');
  csrfs.add(csrf);
  return `<h1>Sign in</h1>${error === undefined ? '' : `<div class="alert-error" role="alert">${error}</div>`}
<form id="login-form" method="post" action="${uid}/login">
<input type="hidden" name="csrf" value="${csrf}">
<input name="login" autocomplete="username"><input type="password" name="password">
<button type="submit" name="submit" value="login">Sign in</button></form>`;
}

let provider: Provider;
let issuer = '';

async function interaction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const [uid, action] = path.split('/').slice(2);
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET' && details.prompt.name === 'login') return html(res, 200, loginPage(uid ?? ''));
  if (req.method === 'GET')
    return html(
      res,
      200,
      `<h1>Allow access?</h1><form id="consent" method="post" action="/interaction/${uid}/confirm">
<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button></form>`,
    );
  const form = await body(req);
  if (action === 'login') {
    if (!csrfs.delete(form.get('csrf') ?? '')) return html(res, 403, '<p>CSRF check failed</p>');
    if (form.get('login') !== username || form.get('password') !== password)
      return html(res, 200, loginPage(uid ?? '', 'Invalid email or password.'));
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: username ?? '' } },
      { mergeWithLastSubmission: false },
    );
  }
  if (denyConsent || form.get('decision') === 'deny') {
    // One-shot: the next consent is denied, later ones allowed again.
    denyConsent = false;
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
  }
  const { accountId } = details.session ?? { accountId: '' };
  const grant = details.grantId
    ? ((await provider.Grant.find(details.grantId)) ??
      new provider.Grant({ accountId, clientId: details.params.client_id as string }))
    : new provider.Grant({ accountId, clientId: details.params.client_id as string });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method === 'POST' && path === '/__test/deny-consent') {
    denyConsent = true;
    return res.end('ok');
  }
  if (req.method === 'POST' && path === '/__test/rotate-keys') {
    void configuration().then((config) => {
      provider = new Provider(issuer, config);
      res.end('ok');
    });
    return;
  }
  if (path.startsWith('/interaction/'))
    return void interaction(req, res, path).catch((err: Error) => html(res, 500, `<p>${err.message}</p>`));
  provider.callback()(req, res);
});
server.listen(0, '127.0.0.1', async () => {
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider = new Provider(issuer, await configuration());
  process.stdout.write(`${JSON.stringify({ issuer, pid: process.pid })}\n`);
});
