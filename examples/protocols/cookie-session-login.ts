/**
 * Recipe: a classic cookie-session login: a login form with a CSRF token, a session cookie, then a page that needs it.
 *
 * Config: targets.web = the site, variables.username, secrets.password. The journey's cookie jar keeps the cookies the
 * site sets (CSRF and session) and sends them on later matching requests of this journey run, and only of this run;
 * their values are redacted.
 */
import { journey, step, z } from 'golden-path-prober';

export default journey({
  name: 'cookie-login',
  description: 'log in through the form and open the account page with the session cookie',
  capability: 'Users can log in to the site',
  needs: { secrets: ['password'], variables: ['username'] },
  steps: [
    step('web.login', { service: 'web' }, async (ctx) => {
      const page = await (await ctx.http.get(`${ctx.target('web')}/login`)).text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
      if (csrf === undefined) return ctx.fail('contract', 'the login page has no csrf field');
      const res = await ctx.http.post(`${ctx.target('web')}/login`, {
        form: { username: ctx.variable('username'), password: ctx.secret('password'), csrf },
        expect: [302, 303],
      });
      if (res.headers['set-cookie'] === undefined) ctx.fail('auth', 'the login set no session cookie');
    }),
    step('web.account', { service: 'web' }, async (ctx) => {
      const me = await (await ctx.http.get(`${ctx.target('web')}/api/me`)).json(z.object({ username: z.string() }));
      if (me.username !== ctx.variable('username')) ctx.fail('assertion', 'the session belongs to another user');
    }),
  ],
});
