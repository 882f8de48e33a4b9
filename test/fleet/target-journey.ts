import { journey, step } from '../../src/index.js';

/** One HTTP step against the fleet test's own target, which the test turns to HTTP 500 for an incident. */
export default journey({
  name: 'target-up',
  description: 'the target answers',
  capability: 'reach the target',
  steps: [
    step('target.get', { service: 'web' }, async (ctx) => {
      await ctx.http.get(`${ctx.target('web')}/`);
    }),
  ],
});
