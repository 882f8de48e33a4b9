import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepContext } from 'golden-path-prober';
import { weakSecretWarnings } from '../../src/config/check-secret-strength.js';
import { isWeakSecret, Redactor } from '../../src/redact.js';
import { runSteps } from './run-in-process.js';
import { startFormSite, type FormSite } from './support/form-site.js';

// Redaction that keeps prose readable: a weak secret (a 5-letter dictionary word) is replaced where it stands as a
// value, never inside a word or as a word of a sentence; a strong one everywhere, in every encoding.
describe('Redactor with a weak secret', () => {
  const r = new Redactor();
  r.add('wrong');
  it.each([
    ['wrong password?', 'wrong password?'],
    ['the probe thinks the password is wrong', 'the probe thinks the password is wrong'],
    ['wrongly rejected', 'wrongly rejected'],
    ['login failed: wrong password', 'login failed: wrong password'],
    ['wrong', '[REDACTED]'],
    ['username=alice&password=wrong&x=1', 'username=alice&password=[REDACTED]&x=1'],
    ['{"password":"wrong"}', '{"password":"[REDACTED]"}'],
    ["the password is 'wrong'", "the password is '[REDACTED]'"],
    ['http://alice:wrong@idp.test/', 'http://alice:[REDACTED]@idp.test/'],
    [`base64 ${Buffer.from('wrong').toString('base64')}`, 'base64 [REDACTED]'],
  ])('%j → %j', (text, out) => {
    expect(r.scrub(text)).toBe(out);
  });
});

describe('Redactor with a strong secret: every encoding, everywhere', () => {
  const secret = 'canary-"Quote\\d-Pass word-9917';
  const r = new Redactor();
  r.add(secret);
  it.each([
    ['raw', `x ${secret} y`],
    ['URL-encoded', `q=${encodeURIComponent(secret)}`],
    ['JSON-escaped', JSON.stringify({ p: secret })],
    ['base64', Buffer.from(secret).toString('base64')],
  ])('%s', (_label, text) => {
    const out = r.scrub(text);
    expect(out).toContain('[REDACTED]');
    expect(out).not.toContain('canary');
  });
});

describe('weak secrets', () => {
  it.each([
    ['wrong', true],
    ['tiger', true],
    ['hunter2', true],
    ['Password', true],
    ['sunshine', true],
    ['correcthorsebatterystaple', false],
    ['c0rrect-h0rse', false],
    ['canary-Password-1', false],
  ])('isWeakSecret(%j) is %j', (value, weak) => {
    expect(isWeakSecret(value)).toBe(weak);
  });

  it('prober validate warns about each weak secret by name, never by value', () => {
    const problems = weakSecretWarnings({ password: 'wrong', apiKey: 'canary-Key-0000-1111', pin: 'abc' });
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'secrets.password',
        severity: 'warning',
        message: expect.stringContaining('common word'),
      }),
    ]);
    expect(JSON.stringify(problems)).not.toContain('wrong"');
  });
});

describe('a 5-letter dictionary-word password end to end', () => {
  let site: FormSite;
  let echo: Server;
  let echoUrl = '';
  beforeAll(async () => {
    site = await startFormSite({ username: 'word-user', password: 'wrong' });
    // A careless server that echoes the request's credentials in its JSON error.
    echo = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="x"' });
      res.end(
        JSON.stringify({
          error: 'invalid_client',
          error_description: `got ${req.headers.authorization} with ${body} at ${req.url}`,
        }),
      );
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await site?.close();
    echo?.close();
  });

  const login = async (ctx: StepContext) => {
    const form = await (await ctx.http.get(`${ctx.target('web')}/app/login`)).form();
    const home = await form.submit({ username: ctx.variable('username'), password: ctx.secret('password') });
    if (!(await home.text()).includes('Welcome')) ctx.fail('assertion', 'the account page did not open');
  };
  const env = (password: string) => ({
    targets: { web: site.url, echo: echoUrl },
    secrets: { password },
    variables: { username: 'word-user' },
  });

  it('logs in with it, and nothing of it is in the result', async () => {
    const r = await runSteps([{ name: 'web.login', run: login }], env('wrong'));
    expect(r.journey.status, r.json).toBe('pass');
    expect(r.json).not.toContain('wrong');
  });

  it('an echoing server gets it back in form, query and Basic: the reason is quoted, the password is not', async () => {
    const r = await runSteps(
      [
        {
          name: 'token',
          run: async (ctx) =>
            void (await ctx.http.post(`${ctx.target('echo')}/token`, {
              query: { password: ctx.secret('password') },
              form: { grant_type: 'password', password: ctx.secret('password') },
              basic: { username: 'svc-client', password: ctx.secret('password') },
            })),
        },
      ],
      env('wrong'),
    );
    expect(r.journey.failure).toMatchObject({ step: 'token', category: 'auth' });
    expect(r.journey.failure!.message).toMatch(
      /the server said: invalid_client: got Basic \[REDACTED\] with grant_type=password&password=\[REDACTED\] at \/token\?password=\[REDACTED\]$/,
    );
    expect(r.json).not.toContain('wrong');
    expect(r.json).not.toContain(Buffer.from('svc-client:wrong').toString('base64'));
  });

  it('with the password "login", messages that use the word stay readable', async () => {
    const r = await runSteps([{ name: 'web.login', run: login }], env('login'));
    // The site's password is "wrong": this login fails, and says so in words that contain "login".
    expect(r.journey.failure).toMatchObject({ category: 'auth' });
    expect(r.journey.failure!.message).toBe(
      `login failed: POST ${site.url}/app/session: the login form came back (HTTP 200) saying "Invalid username or password."`,
    );
    expect(r.json).not.toMatch(/\[REDACTED\] (failed|form)/);
  });
});
