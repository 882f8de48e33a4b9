// The golden path inside your own vitest suite: `run()` returns the same prober.run/v1 result `prober run` reports.
// Copy next to the prober.config.ts that `prober init` wrote. Point it at a preview environment with TARGET_AUTH,
// TARGET_BACKEND and TARGET_WEB (else the config's targets are used); the secrets come from the environment as usual.
import { run, RunResultSchema } from 'golden-path-prober';
import { describe, expect, it } from 'vitest';

const targets = Object.fromEntries(
  ['auth', 'backend', 'web'].flatMap((name) => {
    const url = process.env[`TARGET_${name.toUpperCase()}`];
    return url === undefined || url === '' ? [] : [[name, url]];
  }),
);

describe('golden path', () => {
  it('users can log in and chat', async () => {
    const result = await run({ config: 'prober.config.ts', journeys: ['api-login'], targets });
    // The verdicts say, in one sentence each, what users can or cannot do and which step of which service broke.
    const verdicts = result.journeys.map((j) => `${j.status} ${j.journey}: ${j.verdict}`).join('\n');
    expect(result.status, verdicts).toBe('pass');
    expect(RunResultSchema.safeParse(result).success).toBe(true);
    expect(result.journeys[0]?.steps.map((s) => s.name)).toEqual([
      'auth.token',
      'session.create',
      'chat.connect',
      'chat.reply',
      'session.close',
    ]);
  }, 60_000);
});
