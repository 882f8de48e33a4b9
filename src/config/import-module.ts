import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { runInProbeScope } from '../journey/containment.js';

/** Loads a config or journey file: JSON as data, TypeScript and JavaScript through tsx, so no build step is needed. */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  if (extname(path) === '.json') return { default: JSON.parse(await readFile(path, 'utf8')) as unknown };
  const mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
  return unwrapCommonJs(mod);
}

/**
 * `importModule` with the file's top-level code contained: a `process.exit`, an unhandled rejection or a throw
 * from a timer while it loads becomes this load's error instead of ending (or silently passing) the prober.
 */
export async function importContained(path: string, shown: string): Promise<Record<string, unknown>> {
  let fail: (err: Error) => void = () => undefined;
  const faulted = new Promise<never>((_, reject) => (fail = reject));
  faulted.catch(() => undefined);
  const scope = { owner: `${shown} (while loading)`, fault: (message: string) => fail(Object.assign(new Error(message), { name: 'ProbeFault' })) };
  return Promise.race([runInProbeScope(scope, () => importModule(path)), faulted]);
}

/**
 * Outside an ESM package (no `"type": "module"`), tsx compiles a .ts file to CommonJS and the namespace holds the
 * whole `module.exports` under `default`; unwrap it so `export default` means the same everywhere.
 */
function unwrapCommonJs(mod: Record<string, unknown>): Record<string, unknown> {
  const inner = mod.default as Record<string, unknown> | undefined;
  if (typeof inner === 'object' && inner !== null && inner.__esModule === true) return inner;
  return mod;
}

export function loadErrorMessage(err: unknown): string {
  const e = err as { message?: unknown; name?: unknown };
  const first = (typeof e?.message === 'string' ? e.message : String(err)).split('\n')[0] ?? '';
  return `${typeof e?.name === 'string' ? e.name : 'Error'}: ${first}`;
}
