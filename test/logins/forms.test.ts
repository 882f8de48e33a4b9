import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StepContext, totp } from 'golden-path-prober';
import { runSteps } from './run-in-process.js';
import { startFormSite, type FormSite } from './support/form-site.js';

// The form helper against a cookie-session site: CSRF hidden field, relative action, a wrong password re-rendered.
const USER = { username: 'form-user', password: 'canary-FormPassword-4411' };
let site: FormSite;
beforeAll(async () => {
  site = await startFormSite(USER);
});
afterAll(() => site?.close());

const env = () => ({
  targets: { web: site.url },
  secrets: { password: USER.password },
  variables: { username: USER.username },
});

const login = async (ctx: StepContext) => {
  const page = await ctx.http.get(`${ctx.target('web')}/app/login`);
  const form = await page.form({ containing: 'password' });
  const home = await form.submit({ username: ctx.variable('username'), password: ctx.secret('password') });
  if (!(await home.text()).includes('Welcome')) ctx.fail('assertion', 'no welcome page after logging in');
};

describe('the form helper', () => {
  it('logs in: hidden CSRF field kept, relative action with &amp; resolved, redirect followed with the session cookie', async () => {
    const before = site.seen.csrfOk;
    const r = await runSteps([{ name: 'web.login', run: login }], env());
    expect(r.journey.status, r.json).toBe('pass');
    expect(site.seen.csrfOk).toBe(before + 1);
    expect(site.seen.actionQuery.at(-1)).toBe('?tab=1&step=2');
    const hops = r.journey.steps[0]!.evidence!.http!.map((h) => [h.method, h.url, h.status]);
    expect(hops).toEqual([
      ['GET', `${site.url}/app/login`, 200],
      ['POST', `${site.url}/app/session?tab=[REDACTED]&step=[REDACTED]`, 302],
      ['GET', `${site.url}/app/home`, 200],
    ]);
    expect(r.json).not.toContain(USER.password);
  });

  it('a wrong password: the form comes back with HTTP 200, and the step fails as auth in the site’s words', async () => {
    const r = await runSteps([{ name: 'web.login', run: login }], {
      ...env(),
      secrets: { password: 'canary-WrongPassword-9921' },
    });
    expect(r.journey.failure).toEqual({
      step: 'web.login',
      service: 'web',
      category: 'auth',
      message: `login failed: POST ${site.url}/app/session: the login form came back (HTTP 200) saying "Invalid username or password."`,
    });
    expect(r.json).not.toContain('canary-WrongPassword-9921');
  });

  it.each([
    ['a selector', '#login'],
    ['a box around it', { selector: '#box' }],
    ['an id', { id: 'login' }],
    ['a field in it', { containing: 'csrf' }],
  ])('picks the form by %s', async (_label, pick) => {
    let fields: readonly string[] = [];
    const r = await runSteps(
      [
        {
          name: 'pick',
          run: async (ctx) => {
            fields = (await (await ctx.http.get(`${ctx.target('web')}/app/login`)).form(pick)).fields;
          },
        },
      ],
      env(),
    );
    expect(r.journey.status, r.json).toBe('pass');
    expect(fields).toEqual(['csrf', 'username', 'password', 'remember']);
  });

  it.each([
    [
      'a field the form lacks',
      async (ctx: StepContext) => {
        const form = await (await ctx.http.get(`${ctx.target('web')}/app/login`)).form('#login');
        await form.submit({ user: 'x', password: ctx.secret('password') });
      },
      'the form #login has no field "user"; its fields: csrf, username, password, remember',
    ],
    [
      'no form matching',
      async (ctx: StepContext) =>
        void (await (await ctx.http.get(`${ctx.target('web')}/app/login`)).form({ id: 'signin' })),
      `no form with id "signin" on ${'URL'}/app/login; forms there: #search (q); #login (csrf, username, password, remember)`,
    ],
    [
      'a button the form lacks',
      async (ctx: StepContext) => {
        const form = await (await ctx.http.get(`${ctx.target('web')}/app/login`)).form();
        await form.submit({}, { submitter: 'approve' });
      },
      'the form #login has no submit button "approve"; its buttons: action=login, action=cancel',
    ],
  ])('%s fails as contract, naming what the form has', async (_label, run, message) => {
    const r = await runSteps([{ name: 'bad', run }], env());
    expect(r.journey.failure).toMatchObject({ category: 'contract', message: message.replace('URL', site.url) });
  });

  it('submitter picks the pressed button; loginFailed: text finds the application’s words', async () => {
    const r = await runSteps(
      [
        {
          name: 'cancel',
          run: async (ctx) => {
            const form = await (await ctx.http.get(`${ctx.target('web')}/app/login`)).form();
            await form.submit({ username: 'u' }, { submitter: 'cancel', loginFailed: { text: /cancel+ed/ } });
          },
        },
      ],
      env(),
    );
    expect(r.journey.failure).toMatchObject({
      category: 'auth',
      message: `login failed: POST ${site.url}/app/session: the page says "cancelled"`,
    });
  });
});

describe('a TOTP second factor', () => {
  const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  let mfa: FormSite;
  beforeAll(async () => {
    mfa = await startFormSite({ ...USER, totpSecret: SECRET });
  });
  afterAll(() => mfa?.close());

  const withCode = (secret: string) => async (ctx: StepContext) => {
    const form = await (await ctx.http.get(`${ctx.target('web')}/app/login`)).form();
    const otp = await form.submit({ username: ctx.variable('username'), password: ctx.secret('password') });
    const home = await (await otp.form()).submit({ otp: await totp(ctx, secret) });
    if (!(await home.text()).includes('Welcome')) ctx.fail('assertion', 'no welcome page after the second factor');
  };
  const mfaEnv = () => ({ ...env(), targets: { web: mfa.url } });

  it('the code from the configured secret is accepted, and neither secret nor code is in the result', async () => {
    const r = await runSteps([{ name: 'web.login', run: withCode(SECRET) }], mfaEnv());
    expect(r.journey.status, r.json).toBe('pass');
    expect(r.json).not.toContain(SECRET);
    expect(r.json).not.toMatch(/\b\d{6}\b/);
  });

  it('a rejected code: the second-factor form comes back and the step fails as auth in the site’s words', async () => {
    const r = await runSteps([{ name: 'web.login', run: withCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ') }], mfaEnv());
    expect(r.journey.failure).toEqual({
      step: 'web.login',
      service: 'web',
      category: 'auth',
      message: `login failed: POST ${mfa.url}/app/otp: the login form came back (HTTP 200) saying "That code is not valid."`,
    });
  });
});
