import type { Vars } from './define.js';
import { StepFailure } from './errors.js';
import { nearestName } from './nearest-name.js';

export function makeVars(): Vars {
  const values = new Map<string, unknown>();
  return {
    set: (name, value) => void values.set(name, value),
    has: (name) => values.has(name),
    get: <T>(name: string): T => {
      if (!values.has(name)) {
        const near = nearestName(name, values.keys());
        const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
        throw new StepFailure(
          'prober',
          `variable "${name}" was never set by an earlier step (a bug in the probe)${hint}`,
        );
      }
      return values.get(name) as T;
    },
  };
}
