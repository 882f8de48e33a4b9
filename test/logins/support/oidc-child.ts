import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';

/** The OpenID Provider of oidc-app.ts in its own process, so it can be frozen (SIGSTOP) and stopped by PID. */
export interface OidcProviderProcess {
  readonly issuer: string;
  readonly pid: number;
  control(what: 'deny-consent' | 'rotate-keys'): Promise<void>;
  stop(): Promise<void>;
}

export interface ProviderAccounts {
  username: string;
  password: string;
  clientSecret: string;
  redirectUri: string;
  resource: string;
  audience: string;
}

export async function startOidcProvider(a: ProviderAccounts): Promise<OidcProviderProcess> {
  const app = fileURLToPath(new URL('./oidc-app.ts', import.meta.url));
  const args = JSON.stringify([a.username, a.password, a.clientSecret, a.redirectUri, a.resource, a.audience]);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', app, args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error('the OpenID Provider exited before it was ready');
    }),
  ])) as [string];
  const { issuer } = JSON.parse(first) as { issuer: string };
  return {
    issuer,
    pid: child.pid!,
    async control(what) {
      const res = await fetch(`${issuer}/__test/${what}`, { method: 'POST' });
      await res.text();
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/**
 * A resource server as real ones verify access tokens: jose against the provider's JWKS, fetched once at start and
 * kept (as a server that caches keys does, so a rotation at the provider leaves it on the old keys). A refused token
 * is answered 401 with `WWW-Authenticate: Bearer error="invalid_token", error_description=<jose's reason>`.
 */
export interface ResourceServer {
  readonly url: string;
  /** What the server expects (a fault: a wrong `aud` at the provider reads the same as a changed expectation). */
  settings: { audience: string; clockOffsetSec: number };
  close(): Promise<void>;
}

export async function startResourceServer(issuer: string, audience: string): Promise<ResourceServer> {
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  const jwks = createLocalJWKSet((await (await fetch(discovery.jwks_uri)).json()) as JSONWebKeySet);
  const settings = { audience, clockOffsetSec: 0 };
  const server: Server = createServer(async (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const refuse = (error: string, description: string) => {
      res.writeHead(401, {
        'www-authenticate': `Bearer error="${error}", error_description="${description.replace(/["\\]/g, '\\$&')}"`,
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ error, error_description: description }));
    };
    if (token === undefined) return refuse('invalid_request', 'no access token');
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: settings.audience,
        currentDate: new Date(Date.now() + settings.clockOffsetSec * 1000),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sub: payload.sub ?? null, client_id: payload.client_id ?? null }));
    } catch (err) {
      refuse('invalid_token', (err as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    settings,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
