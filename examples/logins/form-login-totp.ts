/**
 * Recipe: a cookie-session site behind an HTML login form (hidden CSRF field, relative action) and a TOTP second
 * factor. `res.form()` reads the form with a real HTML parser and keeps its hidden fields; `submit` follows the
 * redirects with the journey's cookie jar. A wrong password or a rejected code brings the form back: `auth`, quoting
 * the page's error text.
 *
 * Config: targets.web; variables.username; secrets.password and secrets.totpSecret (the base32 secret of the
 * synthetic account's authenticator, as in its otpauth:// URI).
 */
import { journey, step, totp } from 'golden-path-prober';

export default journey({
  name: 'form-login',
  description: 'sign in through the login form and the second factor, then open the account page',
  capability: 'Users can sign in to the site',
  needs: { secrets: ['password', 'totpSecret'], variables: ['username'] },
  steps: [
    step('web.login', { service: 'web' }, async (ctx) => {
      const page = await ctx.http.get(`${ctx.target('web')}/app/login`);
      const login = await page.form({ containing: 'password' });
      const second = await login.submit({ username: ctx.variable('username'), password: ctx.secret('password') });
      const home = await (await second.form()).submit({ otp: await totp(ctx, ctx.secret('totpSecret')) });
      if (!(await home.text()).includes('Welcome')) ctx.fail('assertion', 'the account page did not open');
    }),
  ],
});
