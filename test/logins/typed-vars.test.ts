import { describe, expect, expectTypeOf, it } from 'vitest';
import { journey, type StepContext, step, type TypedVars, z } from 'golden-path-prober';
import { runJourneys } from '../../src/journey/run.js';
import { Redactor } from '../../src/redact.js';
import { apiStepIo } from '../../src/steps/step-io.js';

// Journey variables declared with a zod shape: typed at compile time (tsc checks this file, @ts-expect-error lines
// included) and checked at run time.
const vars = { token: z.string().min(1), count: z.number().int() };

/** A helper typed with the exported types, no cast. */
async function useToken(ctx: StepContext<TypedVars<typeof vars>>): Promise<number> {
  return ctx.vars.get('token').length + ctx.vars.get('count');
}

async function run(steps: ReturnType<typeof step>[], declared = true) {
  const r = await runJourneys(
    [journey({ name: 'j', description: 'd', capability: 'c', steps, ...(declared ? { vars } : {}) })],
    {
      environment: 'test',
      targets: {},
      secrets: {},
      variables: {},
      redactor: new Redactor(),
      io: apiStepIo({ maxBodyBytes: 1 << 20 }),
      userAgent: 'test',
      maxBodyBytes: 1 << 20,
      retries: 0,
    },
  );
  return r.journeys[0]!;
}

describe('typed journey variables', () => {
  it('are typed at compile time and pass their values between steps', async () => {
    let seen = 0;
    const j = await run([
      step('set', { service: 'web', vars }, (ctx) => {
        ctx.vars.set('token', 'abc');
        ctx.vars.set('count', 2);
        // @ts-expect-error: a name the shape does not declare is a compile error
        ctx.vars.set('tokn', 'abc');
      }),
      step('get', { service: 'web', vars }, async (ctx) => {
        expectTypeOf(ctx.vars.get('token')).toEqualTypeOf<string>();
        expectTypeOf(ctx.vars.get('count')).toEqualTypeOf<number>();
        // @ts-expect-error: a value of the wrong type is a compile error
        ctx.vars.set('count', 'two');
        seen = await useToken(ctx);
      }),
    ]);
    // The undeclared set above failed the first step at run time too: TypeScript is not checked when journeys run.
    expect(j.failure).toMatchObject({
      step: 'set',
      category: 'prober',
      message: expect.stringContaining(
        'variable "tokn" is not declared in the step\'s vars (declared: token, count) (did you mean "token"?)',
      ),
    });
    expect(seen).toBe(0);
  });

  it('a helper typed with StepContext<TypedVars<…>> reads them without casts', async () => {
    let seen = 0;
    const j = await run([
      step('set', { service: 'web', vars }, (ctx) => {
        ctx.vars.set('token', 'abcd');
        ctx.vars.set('count', 3);
      }),
      step('get', { service: 'web', vars }, async (ctx) => {
        seen = await useToken(ctx);
      }),
    ]);
    expect(j.status).toBe('pass');
    expect(seen).toBe(7);
  });

  it('an untyped step of a journey that declares vars cannot store a wrong value', async () => {
    const j = await run([
      step('untyped', { service: 'web' }, (ctx) => {
        ctx.vars.set('count', 'three');
      }),
    ]);
    expect(j.failure).toMatchObject({
      step: 'untyped',
      category: 'prober',
      message: expect.stringMatching(/^ctx\.vars\.set\("count"\): variable "count" does not match its declared type: /),
    });
  });

  it('reading a declared variable no earlier step set is a prober error naming it', async () => {
    const j = await run([step('get', { service: 'web', vars }, (ctx) => void ctx.vars.get('token'))]);
    expect(j.failure).toMatchObject({
      category: 'prober',
      message: expect.stringContaining('variable "token" was never set'),
    });
  });
});
