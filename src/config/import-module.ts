import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/** Loads a config or journey file: JSON as data, TypeScript and JavaScript through tsx, so no build step is needed. */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  if (extname(path) === '.json') return { default: JSON.parse(await readFile(path, 'utf8')) as unknown };
  const mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
  return unwrapCommonJs(mod);
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
