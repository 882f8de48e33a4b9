import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The servers the login and streaming recipes run against: an OAuth2 password grant token endpoint with HTTP Basic
 * client authentication, a cookie-session site with a CSRF cookie, and an OpenAI-compatible streaming chat
 * completion. Each checks what it receives as a strict server would, so a wrong request fails the journey.
 */
export interface LoginServers {
  readonly url: string;
  /** What the token endpoint last received: content type and whether the Basic credentials matched. */
  readonly seen: { tokenContentType?: string; basicOk?: boolean; cookiesOnMe: string[] };
  close(): Promise<void>;
}

export interface Accounts {
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  apiKey: string;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

function cookies(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    (req.headers.cookie ?? '')
      .split(/;\s*/)
      .filter(Boolean)
      .map((c) => [c.split('=')[0], c.split('=').slice(1).join('=')]),
  );
}

export async function startLoginServers(accounts: Accounts): Promise<LoginServers> {
  const tokens = new Set<string>();
  const sessions = new Map<string, string>();
  const csrfs = new Set<string>();
  const seen: LoginServers['seen'] = { cookiesOnMe: [] };
  const basic = `Basic ${Buffer.from(`${accounts.clientId}:${accounts.clientSecret}`).toString('base64')}`;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const text = await body(req);
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      seen.tokenContentType = req.headers['content-type'];
      seen.basicOk = req.headers.authorization === basic;
      if (!seen.basicOk) return json(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic' });
      const form = new URLSearchParams(text);
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded' || form.get('grant_type') !== 'password')
        return json(res, 400, { error: 'unsupported_grant_type' });
      if (form.get('username') !== accounts.username || form.get('password') !== accounts.password)
        return json(res, 400, { error: 'invalid_grant' });
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      return json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 300 });
    }
    if (req.method === 'GET' && url.pathname === '/userinfo') {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      return token !== undefined && tokens.has(token)
        ? json(res, 200, { sub: accounts.username })
        : json(res, 401, { error: 'invalid_token' });
    }
    if (req.method === 'GET' && url.pathname === '/login') {
      const csrf = randomBytes(8).toString('hex');
      csrfs.add(csrf);
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': `csrf=${csrf}; Path=/login; HttpOnly` });
      return res.end(
        `<form method="post"><input type="hidden" name="csrf" value="${csrf}"><input name="username"><input name="password"></form>`,
      );
    }
    if (req.method === 'POST' && url.pathname === '/login') {
      const form = new URLSearchParams(text);
      const csrf = form.get('csrf') ?? '';
      // The CSRF cookie must come back with the form: the cookie jar at work on a Path-scoped cookie.
      if (!csrfs.has(csrf) || cookies(req).csrf !== csrf) return json(res, 403, { error: 'csrf' });
      if (form.get('username') !== accounts.username || form.get('password') !== accounts.password)
        return json(res, 401, { error: 'login' });
      const session = randomBytes(16).toString('hex');
      sessions.set(session, accounts.username);
      res.writeHead(303, { location: '/account', 'set-cookie': `sid=${session}; Path=/; HttpOnly; SameSite=Lax` });
      return res.end();
    }
    if (req.method === 'GET' && url.pathname === '/api/me') {
      seen.cookiesOnMe.push(req.headers.cookie ?? '');
      const user = sessions.get(cookies(req).sid ?? '');
      return user === undefined ? json(res, 401, { error: 'no session' }) : json(res, 200, { username: user });
    }
    if (req.method === 'GET' && url.pathname === '/echo-query')
      return json(res, 200, { query: [...url.searchParams.entries()] });
    if (req.method === 'POST' && url.pathname === '/v1/chat/completions') {
      if (req.headers.authorization !== `Bearer ${accounts.apiKey}`)
        return json(res, 401, { error: { message: 'bad key' } });
      const request = JSON.parse(text) as { stream?: boolean; messages: { content: string }[] };
      const word = /exactly: (\S+)/.exec(request.messages.at(-1)?.content ?? '')?.[1] ?? '';
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const piece of ['Sure: ', word.slice(0, 4), word.slice(4), '.']) {
        res.write(
          `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: piece } }] })}\n\n`,
        );
      }
      return res.end('data: [DONE]\n\n');
    }
    json(res, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
