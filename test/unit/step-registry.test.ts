import { describe, expect, it } from 'vitest';
import { journey, step } from '../../src/journey/define.js';
import { runJourneys } from '../../src/journey/run.js';
import { Redactor } from '../../src/redact.js';
import { STEP_KINDS } from '../../src/steps/registry.js';
import { apiStepIo } from '../../src/steps/step-io.js';

async function runOne(run: Parameters<typeof step>[2]) {
  const r = await runJourneys(
    [journey({ name: 'j', description: 'd', capability: 'c', steps: [step('s', { service: 'x' }, run)] })],
    {
      environment: 't',
      targets: { x: 'http://127.0.0.1:9' },
      secrets: {},
      variables: {},
      redactor: new Redactor(),
      io: apiStepIo({ maxBodyBytes: 1024 }),
      userAgent: 'u',
      maxBodyBytes: 1024,
    },
  );
  return r.journeys[0]!.steps[0]!;
}

describe('step kind registry', () => {
  it('every registered kind is a client on ctx, under its registry name', async () => {
    const seen: Record<string, string> = {};
    const s = await runOne((ctx) => {
      for (const name of Object.keys(STEP_KINDS)) seen[name] = typeof (ctx as unknown as Record<string, unknown>)[name];
    });
    expect(s.status).toBe('pass');
    expect(Object.keys(seen).sort()).toEqual(['http', 'sse', 'tcp', 'ws']);
    expect(Object.values(seen).every((t) => t === 'object')).toBe(true);
  });

  it('ctx.page without a browser is a prober error only when a step uses it', async () => {
    expect((await runOne((ctx) => void Object.keys(ctx))).status).toBe('pass');
    const used = await runOne((ctx) => void ctx.page.url());
    expect(used.status).toBe('error');
    expect(used.error).toMatchObject({
      category: 'prober',
      message: expect.stringContaining('needs: { browser: true }'),
    });
  });
});
