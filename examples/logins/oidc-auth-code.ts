/**
 * Recipe: sign in with OpenID Connect (authorization code + PKCE) without a browser, call the API with the access
 * token, then refresh it and verify the new token against the provider's keys.
 *
 * Config: targets.idp = the issuer URL, targets.api = the resource server; variables.username, variables.clientId,
 * variables.redirectUri (registered for the client; never loaded), variables.apiAudience; secrets.password and
 * secrets.clientSecret. The provider's login form is filled by field name (`login` here; Keycloak's is `username`).
 */
import { journey, oidc, type StepContext, step, verifyToken, z } from 'golden-path-prober';

const vars = { token: z.string().min(1), refresh: z.string().min(1) };
const provider = (ctx: StepContext<unknown>) =>
  oidc(ctx, {
    issuer: ctx.target('idp'),
    clientId: ctx.variable('clientId'),
    clientSecret: ctx.secret('clientSecret'),
    redirectUri: ctx.variable('redirectUri'),
    scope: 'openid offline_access api',
  });

export default journey({
  name: 'oidc-login',
  description: 'sign in at the identity provider, call the API, refresh the token',
  capability: 'Users can sign in and use the API',
  needs: { secrets: ['password', 'clientSecret'], variables: ['username', 'clientId', 'redirectUri', 'apiAudience'] },
  vars,
  steps: [
    step('idp.login', { service: 'idp', vars }, async (ctx) => {
      const fill = { login: ctx.variable('username'), password: ctx.secret('password') };
      const tokens = await (await provider(ctx)).authorizationCode({ fill });
      ctx.vars.set('token', tokens.accessToken);
      ctx.vars.set('refresh', tokens.refreshToken ?? '');
    }),
    step('api.me', { service: 'api', vars }, async (ctx) => {
      await ctx.http.get(`${ctx.target('api')}/me`, { bearer: ctx.vars.get('token') });
    }),
    step('idp.refresh', { service: 'idp', vars }, async (ctx) => {
      const tokens = await (await provider(ctx)).refresh(ctx.vars.get('refresh'));
      await verifyToken(ctx, tokens.accessToken, { issuer: ctx.target('idp'), audience: ctx.variable('apiAudience') });
    }),
  ],
});
