/**
 * Recipe: the same OpenID Connect sign-in in a real browser (`ctx.page`): the provider's pages are filled as a user
 * fills them; the redirect to the redirect_uri is caught and answered with an empty page, so the application behind
 * it is never loaded, and the code is exchanged by the prober. A login error shown on the page fails as `auth`.
 *
 * Config: as oidc-auth-code.ts, plus a `browser` section if Chromium is not at /usr/bin/chromium.
 */
import { journey, oidc, step } from 'golden-path-prober';

export default journey({
  name: 'oidc-browser-login',
  description: 'sign in at the identity provider in a browser and call the API',
  capability: 'Users can sign in in the browser and use the API',
  needs: { secrets: ['password', 'clientSecret'], variables: ['username', 'clientId', 'redirectUri'], browser: true },
  steps: [
    step('idp.login', { service: 'idp', timeoutMs: 20_000 }, async (ctx) => {
      const client = await oidc(ctx, {
        issuer: ctx.target('idp'),
        clientId: ctx.variable('clientId'),
        clientSecret: ctx.secret('clientSecret'),
        redirectUri: ctx.variable('redirectUri'),
        scope: 'openid api',
      });
      const tokens = await client.authorizationCodeInBrowser(
        async (page) => {
          await page.locator('input[name=login]').fill(ctx.variable('username'));
          await page.locator('input[name=password]').fill(ctx.secret('password'));
          await page.getByRole('button', { name: 'Sign in' }).click();
          await page.getByRole('button', { name: 'Allow' }).click();
        },
        { loginFailed: { selector: '.alert-error' } },
      );
      ctx.vars.set('token', tokens.accessToken);
    }),
    step('api.me', { service: 'api' }, async (ctx) => {
      await ctx.http.get(`${ctx.target('api')}/me`, { bearer: ctx.vars.get('token') });
    }),
  ],
});
