/**
 * Recipe: log in with the OAuth2 resource owner password grant (RFC 6749 §4.3), then call an API with the token.
 *
 * Config: targets.auth = the authorization server, targets.api = the resource server, variables.username,
 * variables.clientId, secrets.password and secrets.clientSecret. The token request is a form body
 * (`form`) with client credentials in HTTP Basic (`basic`); all of them, and the token, are redacted.
 * Keycloak's token endpoint is `${auth}/realms/REALM/protocol/openid-connect/token`; adjust the paths to your server.
 */
import { journey, step, z } from 'golden-path-prober';

const Token = z.object({ access_token: z.string().min(1), token_type: z.string(), expires_in: z.number().optional() });

export default journey({
  name: 'oauth2-login',
  description: 'get a token with the password grant and use it',
  capability: 'Users can log in',
  needs: { secrets: ['password', 'clientSecret'], variables: ['username', 'clientId'] },
  steps: [
    step('auth.token', { service: 'auth' }, async (ctx) => {
      const res = await ctx.http.post(`${ctx.target('auth')}/oauth/token`, {
        form: {
          grant_type: 'password',
          username: ctx.variable('username'),
          password: ctx.secret('password'),
          scope: 'openid',
        },
        basic: { username: ctx.variable('clientId'), password: ctx.secret('clientSecret') },
      });
      const token = await res.json(Token);
      ctx.markSecret(token.access_token);
      if (token.token_type.toLowerCase() !== 'bearer')
        ctx.fail('contract', `token_type is ${token.token_type}, not Bearer`);
      ctx.vars.set('token', token.access_token);
    }),
    step('api.me', { service: 'api' }, async (ctx) => {
      const me = await (await ctx.http.get(`${ctx.target('api')}/userinfo`, { bearer: ctx.vars.get('token') })).json(
        z.object({ sub: z.string() }),
      );
      if (me.sub !== ctx.variable('username')) ctx.fail('assertion', 'the token belongs to another user');
    }),
  ],
});
