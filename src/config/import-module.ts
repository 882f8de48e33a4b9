import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/** Loads a config or journey file: JSON as data, TypeScript and JavaScript through tsx, so no build step is needed. */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  if (extname(path) === '.json') return { default: JSON.parse(await readFile(path, 'utf8')) as unknown };
  return (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
}

export function loadErrorMessage(err: unknown): string {
  const e = err as { message?: unknown; name?: unknown };
  const first = (typeof e?.message === 'string' ? e.message : String(err)).split('\n')[0] ?? '';
  return `${typeof e?.name === 'string' ? e.name : 'Error'}: ${first}`;
}
