import { describe, expect, it } from 'vitest';
import { journey, type JourneyOptions, type StepOptions, step } from '../../src/journey/define.js';
import {
  type JOURNEY_OPTION_NAMES,
  type STEP_OPTION_NAMES,
  unknownOptionsOf,
} from '../../src/journey/unknown-options.js';

// Compile-time: the lists name every option the types have (an option added to define.ts only fails tsc here).
type Missing<T, L extends readonly string[]> = Exclude<keyof T, L[number]>;
const stepListComplete: [Missing<StepOptions, typeof STEP_OPTION_NAMES>] extends [never] ? true : false = true;
const journeyListComplete: [Missing<JourneyOptions, typeof JOURNEY_OPTION_NAMES>] extends [never] ? true : false = true;

describe('options step() and journey() do not know are remembered for validation', () => {
  it('the option lists are complete', () => {
    expect([stepListComplete, journeyListComplete]).toEqual([true, true]);
  });

  it.each([
    [{ service: 'auth' }, []],
    [{ service: 'auth', timeoutMS: 1 }, ['timeoutMS']],
    [{ service: 'auth', budget: 1, retries: 2 }, ['budget', 'retries']],
  ])('step options %j → %j', (options, unknown) => {
    expect(unknownOptionsOf(step('s', options as StepOptions, () => undefined))).toEqual(unknown);
  });

  it('journey options', () => {
    const s = step('s', { service: 'auth' }, () => undefined);
    const j = journey({ name: 'j', description: 'd', capability: 'c', steps: [s], schedule: '* * * * *' } as never);
    expect(unknownOptionsOf(j)).toEqual(['schedule']);
  });

  it('a journey spread into journey() to clone it is not refused', () => {
    const s = step('s', { service: 'auth' }, () => undefined);
    const j = journey({ name: 'j', description: 'd', capability: 'c', steps: [s] });
    expect(unknownOptionsOf(journey({ ...j, name: 'j2' }))).toEqual([]);
  });
});
