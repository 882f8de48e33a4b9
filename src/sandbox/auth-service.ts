import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AuthStore } from './auth-store.js';
import { TOKEN_AUDIENCE, type TokenIssuer } from './auth-tokens.js';
import type { FaultStore } from './fault-controller.js';
import { serveWithFault, type HttpFaultContext } from './http-fault.js';
import {
  bearerToken,
  guarded,
  jsonReply,
  parseJsonObject,
  pathOf,
  prepareResponse,
  readBody,
  sendReply,
  type Reply,
} from './http-util.js';

export interface AuthServiceDeps {
  store: AuthStore;
  tokens: TokenIssuer;
  faults: FaultStore;
  faultContext: HttpFaultContext;
  /** Read per request: a rollout changes it while the service runs. */
  version: () => string;
  tokenTtlSec: number;
}

const WRONG_AUDIENCE = 'some-other-service';

export function createAuthServer(deps: AuthServiceDeps): Server {
  return createServer(
    guarded(async (req, res) => {
      if (prepareResponse(req, res, true)) return;
      const path = pathOf(req).pathname;
      const route = `${req.method ?? 'GET'} ${path}`;
      if (route === 'POST /auth/login') return login(deps, req, res);
      if (route === 'POST /auth/validate') return sendReply(res, await validate(deps, await readBody(req)));
      if (route === 'POST /auth/logout') return sendReply(res, await logout(deps, req, res));
      if (route === 'GET /health') return sendReply(res, jsonReply(200, { status: 'ok', service: 'auth' }));
      if (route === 'GET /version') return sendReply(res, jsonReply(200, { service: 'auth', version: deps.version() }));
      sendReply(res, jsonReply(404, { error: 'not_found' }));
    }),
  );
}

async function login(deps: AuthServiceDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await readBody(req);
  // web.login only applies to browser traffic (which always sends Origin on a cross-origin fetch),
  // so the browser journey can be broken while the API journey still passes.
  const browserFault = req.headers.origin === undefined ? undefined : deps.faults.get('web.login');
  const fault = browserFault ?? deps.faults.get('auth.token');
  await serveWithFault(deps.faultContext, {
    req,
    res,
    fault,
    requiredField: 'access_token',
    handle: () => issueTokens(deps, text, fault?.effect === 'badaud', requestIdOf(res)),
  });
}

async function issueTokens(
  deps: AuthServiceDeps,
  text: string,
  badAudience: boolean,
  requestId: string,
): Promise<Reply> {
  const body = parseJsonObject(text);
  const { email, password } = body;
  if (typeof email !== 'string' || typeof password !== 'string' || email === '' || password === '') {
    return jsonReply(400, { error: 'invalid_request', message: 'email and password are required strings' });
  }
  const user = await deps.store.verifyCredentials(email, password);
  if (user === undefined) {
    deps.store.audit('login_failed', undefined, requestId);
    return jsonReply(401, { error: 'invalid_credentials' });
  }
  const refreshToken = randomBytes(32).toString('base64url');
  const sid = deps.store.createSession(user.id, refreshToken, deps.tokenTtlSec);
  const accessToken = await deps.tokens.sign({
    sub: user.id,
    sid,
    ttlSec: deps.tokenTtlSec,
    ...(badAudience ? { audience: WRONG_AUDIENCE } : {}),
  });
  deps.store.audit('login', user.id, requestId);
  return jsonReply(200, {
    access_token: accessToken,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: deps.tokenTtlSec,
  });
}

async function validate(deps: AuthServiceDeps, text: string): Promise<Reply> {
  const { token } = parseJsonObject(text);
  if (typeof token !== 'string' || token === '')
    return jsonReply(400, { error: 'invalid_request', message: 'token is required' });
  const check = await deps.tokens.check(token, TOKEN_AUDIENCE);
  if (!check.valid) return jsonReply(200, { active: false, reason: check.reason });
  if (!deps.store.isSessionActive(check.sid)) return jsonReply(200, { active: false, reason: 'revoked' });
  return jsonReply(200, { active: true, sub: check.sub, sid: check.sid, aud: check.aud });
}

async function logout(deps: AuthServiceDeps, req: IncomingMessage, res: ServerResponse): Promise<Reply> {
  await readBody(req);
  const token = bearerToken(req);
  // Any token this service signed may be logged out, whatever its audience.
  const check = token === undefined ? undefined : await deps.tokens.check(token, undefined);
  if (check === undefined || !check.valid) return jsonReply(401, { error: 'invalid_token' });
  deps.store.revokeSession(check.sid);
  deps.store.audit('logout', check.sub, requestIdOf(res));
  return { status: 204 };
}

function requestIdOf(res: ServerResponse): string {
  const value = res.getHeader('x-request-id');
  return typeof value === 'string' ? value : '';
}
