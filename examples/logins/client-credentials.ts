/**
 * Recipe: a service account: the OAuth2 client credentials grant, then an API call with the token.
 *
 * Config: targets.idp = the issuer URL (discovery), targets.api; variables.serviceClientId; secrets.clientSecret.
 * A refused client secret fails `idp.token` as `auth` with the provider's `error` (e.g. invalid_client).
 */
import { journey, oidc, step, z } from 'golden-path-prober';

const vars = { token: z.string().min(1) };

export default journey({
  name: 'service-token',
  description: 'get a service token with client credentials and call the API',
  capability: 'Services can call the API',
  needs: { secrets: ['clientSecret'], variables: ['serviceClientId'] },
  vars,
  steps: [
    step('idp.token', { service: 'idp', vars }, async (ctx) => {
      const client = await oidc(ctx, {
        issuer: ctx.target('idp'),
        clientId: ctx.variable('serviceClientId'),
        clientSecret: ctx.secret('clientSecret'),
      });
      ctx.vars.set('token', (await client.clientCredentials({ scope: 'api' })).accessToken);
    }),
    step('api.call', { service: 'api', vars }, async (ctx) => {
      await ctx.http.get(`${ctx.target('api')}/me`, { bearer: ctx.vars.get('token') });
    }),
  ],
});
