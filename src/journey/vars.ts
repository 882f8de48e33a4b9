import { zodSummary } from './classify-failure.js';
import type { VarShape, Vars } from './define.js';
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

/**
 * `ctx.vars` checked against the declared shape: an undeclared name or a value its schema refuses is the probe's bug
 * (`prober`), found where it happens instead of as a puzzling failure two steps later. The value read back is the
 * one the schema parsed.
 */
export function checkedVars(base: Vars, shape: VarShape): Vars {
  const schemaOf = (name: string, call: string) => {
    const schema = shape[name];
    if (schema === undefined) {
      const near = nearestName(name, Object.keys(shape));
      throw new StepFailure(
        'prober',
        `${call}: variable "${name}" is not declared in the step's vars (declared: ${Object.keys(shape).join(', ') || 'none'})${near === undefined ? '' : ` (did you mean "${near}"?)`}`,
      );
    }
    return schema;
  };
  const check = (name: string, value: unknown, call: string) => {
    const parsed = schemaOf(name, call).safeParse(value);
    if (!parsed.success)
      throw new StepFailure(
        'prober',
        `${call}: variable "${name}" does not match its declared type: ${zodSummary(parsed.error.issues)}`,
      );
    return parsed.data;
  };
  return {
    set: (name, value) => base.set(name, check(name, value, `ctx.vars.set("${name}")`)),
    has: (name) => base.has(name),
    get: <T>(name: string): T => {
      schemaOf(name, `ctx.vars.get("${name}")`);
      return check(name, base.get(name), `ctx.vars.get("${name}")`) as T;
    },
  };
}
