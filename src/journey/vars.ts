import type { Vars } from './define.js';
import { StepFailure } from './errors.js';

export function makeVars(): Vars {
  const values = new Map<string, unknown>();
  return {
    set: (name, value) => void values.set(name, value),
    has: (name) => values.has(name),
    get: <T>(name: string): T => {
      if (!values.has(name)) {
        throw new StepFailure('prober', `variable "${name}" was never set by an earlier step (a bug in the probe)`);
      }
      return values.get(name) as T;
    },
  };
}
