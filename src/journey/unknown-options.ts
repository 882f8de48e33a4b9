/**
 * Option names `step()` and `journey()` were given but do not know (`timeoutMS` for `timeoutMs`). TypeScript flags
 * them only where the file is type-checked; the prober runs journeys compiled without a type check, so a misspelt
 * option used to be dropped in silence and the default applied. The definitions stay as they are; the names are
 * remembered here for `prober validate` (and every command that validates) to refuse with the nearest known name.
 */

// Every key of StepOptions and JourneyOptions (define.ts); test/cli/unknown-options.test.ts fails to compile when an
// option is added there and not here. Listed rather than imported: define.ts imports this file.
export const STEP_OPTION_NAMES = ['service', 'timeoutMs', 'budgetMs', 'always', 'mapError', 'vars'] as const;
export const JOURNEY_OPTION_NAMES = [
  'name',
  'description',
  'capability',
  'tags',
  'timeoutMs',
  'budgetMs',
  'needs',
  'steps',
  'janitor',
  'mapError',
  'vars',
] as const;

// One registry per process, whichever copy of this module a journey file and the CLI loaded.
const KEY = Symbol.for('golden-path-prober.unknown-options');
const shared = globalThis as { [KEY]?: WeakMap<object, string[]> };
shared[KEY] ??= new WeakMap<object, string[]>();
const registry = shared[KEY];

// Fields a made definition has beyond its options: `journey({ ...api, name: 'api-2' })` clones a journey (the capacity
// bench does; so do users who stamp one journey out per region), and the clone's options carry them.
const DEFINITION_FIELDS = ['kind'];

/** Returns `def` after noting which keys of `options` are not among `known` (nor a definition's own fields). */
function note<T extends object>(def: T, options: object, known: readonly string[]): T {
  const unknown = Object.keys(options).filter((k) => !known.includes(k) && !DEFINITION_FIELDS.includes(k));
  if (unknown.length > 0) registry.set(def, unknown);
  return def;
}

export const noteStepOptions = <T extends object>(def: T, options: object): T => note(def, options, STEP_OPTION_NAMES);
export const noteJourneyOptions = <T extends object>(def: T, options: object): T =>
  note(def, options, JOURNEY_OPTION_NAMES);

/** The option names `step()` or `journey()` did not know when it made `def`. */
export function unknownOptionsOf(def: object): readonly string[] {
  return registry.get(def) ?? [];
}
