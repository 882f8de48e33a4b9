import { journey, step } from '../../src/index.js';

/** One HTTP step against the fleet test's own target, whose path the test turns to HTTP 500 for an incident. */
function targetJourney(name: string) {
  return journey({
    name,
    description: `the target answers on /${name}`,
    capability: 'reach the target',
    steps: [
      step('target.get', { service: 'web' }, async (ctx) => {
        await ctx.http.get(`${ctx.target('web')}/${name}`);
      }),
    ],
  });
}

export const targetA = targetJourney('target-a');
export const targetB = targetJourney('target-b');
