import { describe, expect, it } from 'vitest';
import { RunProgress } from '../../src/journey/blocked-run.js';
import { journey, step } from '../../src/journey/define.js';
import { RunResult, type JourneyResult, type StepResult } from '../../src/journey/result-schema.js';

const noop = () => undefined;
const def = (name: string, steps: string[]) =>
  journey({
    name,
    description: `${name} d`,
    capability: `do ${name}`,
    steps: steps.map((s) => step(s, { service: 'svc', timeoutMs: 1_000 }, noop)),
  });

const passed = (name: string): StepResult => ({
  name,
  service: 'svc',
  status: 'pass',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1,
  timeoutMs: 1_000,
});
const base = { runId: 'r1', environment: 'e', proberVersion: '0.0.0', startedAt: new Date('2026-01-01T00:00:00.000Z') };
const now = new Date('2026-01-01T00:00:07.000Z');

describe('RunProgress: a blocked run is still reported from what happened', () => {
  const busy = def('busy', ['a', 'b', 'c']);
  const other = def('other', ['x', 'y']);
  const done = def('done', ['z']);

  function progress(): RunProgress {
    const p = new RunProgress([busy, other, done]);
    p.onEvent({ type: 'journey/start', journey: 'busy' });
    p.onEvent({ type: 'step/start', journey: 'busy', step: 'a' });
    p.onEvent({ type: 'step/end', journey: 'busy', result: passed('a') });
    p.onEvent({ type: 'step/start', journey: 'busy', step: 'b' });
    p.onEvent({ type: 'journey/start', journey: 'other' });
    p.onEvent({ type: 'step/start', journey: 'other', step: 'x' });
    const finished: JourneyResult = {
      journey: 'done',
      description: 'done d',
      status: 'pass',
      startedAt: base.startedAt.toISOString(),
      durationMs: 3,
      verdict: 'Users can do done',
      steps: [passed('z')],
    };
    p.onEvent({ type: 'journey/start', journey: 'done' });
    p.onEvent({ type: 'journey/end', result: finished });
    return p;
  }

  it.each([
    [
      'the blocking journey is known',
      'busy',
      { busy: ['error', 'prober'], other: ['error', 'aborted'], done: ['pass', undefined] },
    ],
    [
      'no journey could be blamed',
      undefined,
      { busy: ['error', 'aborted'], other: ['error', 'aborted'], done: ['pass', undefined] },
    ],
  ] as const)('%s', (_label, blocker, expected) => {
    const result = RunResult.parse(progress().blockedResult(base, blocker, 5_000, now));
    expect(result.status).toBe('error');
    expect(result.summary).toMatchObject({ journeys: 3, passed: 1, errored: 2 });
    for (const [name, [status, category]] of Object.entries(expected)) {
      const j = result.journeys.find((x) => x.journey === name);
      expect([j?.status, j?.failure?.category], name).toEqual([status, category]);
    }
    const b = result.journeys.find((x) => x.journey === 'busy')!;
    // Finished steps kept, the running one blamed, the rest recorded as skipped: no step disappears.
    expect(b.steps.map((s) => [s.name, s.status])).toEqual([
      ['a', 'pass'],
      ['b', 'error'],
      ['c', 'skipped'],
    ]);
    expect(b.steps[1]!.durationMs).toBeGreaterThanOrEqual(0);
    if (blocker === 'busy')
      expect(b.failure?.message).toMatch(/probe bug in journey busy: its code blocked the event loop for over 5000 ms/);
    expect(result.journeys.find((x) => x.journey === 'other')?.failure?.message).toMatch(
      blocker === 'busy' ? /because journey busy blocked/ : /because probe code blocked/,
    );
  });
});
