import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret, TOTP } from 'otpauth';

/**
 * A cookie-session site behind a login form as real ones write it: a CSRF hidden field tied to a cookie, a relative
 * action with an escaped `&amp;` in its query, a second (search) form on the page, a wrong password answered by the
 * same form again with HTTP 200 and an error text, success answered by a 302 to the account page.
 */
export interface FormSite {
  readonly url: string;
  readonly seen: { csrfOk: number; actionQuery: string[] };
  close(): Promise<void>;
}

const page = (csrf: string, error?: string) => `<!doctype html><html><head><title>Sign in</title></head><body>
<form id="search" action="/search" method="get"><input name="q"></form>
<div id="box">
${error === undefined ? '' : `<p class="alert-error" role="alert">${error}</p>`}
<form id="login" method="post" action="session?tab=1&amp;step=2">
  <input type="hidden" name="csrf" value="${csrf}">
  <label>User <input name="username" value=""></label>
  <label>Password <input type="password" name="password"></label>
  <input type="checkbox" name="remember" value="yes">
  <button type="submit" name="action" value="login">Sign in</button>
  <button type="submit" name="action" value="cancel">Cancel</button>
</form></div></body></html>`;

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

const otpPage = (error?: string) => `<!doctype html><html><body><h1>Two-step verification</h1>
${error === undefined ? '' : `<div class="alert-error">${error}</div>`}
<form method="post" action="otp"><input name="otp" inputmode="numeric" autocomplete="one-time-code">
<button type="submit">Verify</button></form></body></html>`;

/** With `totpSecret` (base32), a correct password leads to a second-factor form checked by otpauth's validator. */
export async function startFormSite(user: {
  username: string;
  password: string;
  totpSecret?: string;
}): Promise<FormSite> {
  const pending = new Set<string>();
  const csrfs = new Set<string>();
  const sessions = new Set<string>();
  const seen: FormSite['seen'] = { csrfOk: 0, actionQuery: [] };
  const html = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
    res.end(text);
  };
  const signIn = (res: ServerResponse) => {
    const sid = randomBytes(16).toString('hex');
    sessions.add(sid);
    res.writeHead(302, { location: '/app/home', 'set-cookie': `sid=${sid}; Path=/; HttpOnly` });
    res.end();
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const cookies = Object.fromEntries(
      (req.headers.cookie ?? '')
        .split(/;\s*/)
        .filter(Boolean)
        .map((c) => c.split('=') as [string, string]),
    );
    if (url.pathname === '/app/login') {
      const csrf = randomBytes(12).toString('hex');
      csrfs.add(csrf);
      return html(res, 200, page(csrf), { 'set-cookie': `csrf=${csrf}; Path=/app; HttpOnly` });
    }
    if (url.pathname === '/app/session' && req.method === 'POST') {
      seen.actionQuery.push(url.search);
      const form = new URLSearchParams(await body(req));
      const csrf = form.get('csrf') ?? '';
      if (!csrfs.has(csrf) || cookies.csrf !== csrf) return html(res, 403, '<p>CSRF check failed</p>');
      seen.csrfOk++;
      if (form.get('action') !== 'login') return html(res, 200, '<p>cancelled</p>');
      if (form.get('username') !== user.username || form.get('password') !== user.password) {
        const next = randomBytes(12).toString('hex');
        csrfs.add(next);
        return html(res, 200, page(next, 'Invalid username or password.'), { 'set-cookie': `csrf=${next}; Path=/app` });
      }
      if (user.totpSecret !== undefined) {
        const half = randomBytes(16).toString('hex');
        pending.add(half);
        res.writeHead(303, { location: '/app/otp', 'set-cookie': `mfa=${half}; Path=/app; HttpOnly` });
        return res.end();
      }
      return signIn(res);
    }
    if (url.pathname === '/app/otp' && req.method === 'GET') return html(res, 200, otpPage());
    if (url.pathname === '/app/otp' && req.method === 'POST') {
      if (!pending.has(cookies.mfa ?? '')) return html(res, 403, '<p>no pending sign-in</p>');
      const token = new URLSearchParams(await body(req)).get('otp') ?? '';
      const totp = new TOTP({ secret: Secret.fromBase32(user.totpSecret ?? '') });
      if (totp.validate({ token, window: 1 }) === null) return html(res, 200, otpPage('That code is not valid.'));
      pending.delete(cookies.mfa ?? '');
      return signIn(res);
    }
    if (url.pathname === '/app/home') {
      if (sessions.has(cookies.sid ?? '')) return html(res, 200, `<h1>Welcome ${user.username}</h1>`);
      res.writeHead(302, { location: '/app/login' });
      return res.end();
    }
    html(res, 404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
