import { readFile } from 'node:fs/promises';
import { extname, relative } from 'node:path';
import { runInProbeScope } from '../journey/containment.js';
import { importUserModule } from './module-cache.js';

/** Loads a config or journey file: JSON as data, TypeScript and JavaScript compiled by esbuild, so no build step is needed. */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  if (extname(path) === '.json') return { default: parseJson(await readFile(path, 'utf8'), path) };
  return unwrapCommonJs(await importUserModule(path));
}

/**
 * `importModule` with the file's top-level code contained: a `process.exit`, an unhandled rejection or a throw
 * from a timer while it loads becomes this load's error instead of ending (or silently passing) the prober.
 */
export async function importContained(path: string, shown: string): Promise<Record<string, unknown>> {
  let fail: (err: Error) => void = () => undefined;
  const faulted = new Promise<never>((_, reject) => (fail = reject));
  faulted.catch(() => undefined);
  const scope = {
    owner: `${shown} (while loading)`,
    fault: (message: string) => fail(Object.assign(new Error(message), { name: 'ProbeFault' })),
  };
  return Promise.race([runInProbeScope(scope, () => importModule(path)), faulted]);
}

/**
 * A journey written as CommonJS (`exports.default = …` with `__esModule`) arrives with the whole `module.exports`
 * under `default`; unwrap it so `export default` means the same everywhere.
 */
function unwrapCommonJs(mod: Record<string, unknown>): Record<string, unknown> {
  const inner = mod.default as Record<string, unknown> | undefined;
  if (typeof inner === 'object' && inner !== null && inner.__esModule === true) return inner;
  return mod;
}

/**
 * One line saying why a file did not load. A syntax error arrives from esbuild as `file:line:col: ERROR: reason`
 * lines (see compile-module.ts); those lines are the message, with the path
 * relative to the working directory. Anything else: the error's name and first line, never its stack.
 */
export function loadErrorMessage(err: unknown): string {
  const e = err as { message?: unknown; name?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const located = message
    .split('\n')
    .map((line) => /^(.+?):(\d+):(\d+): ERROR: (.+)$/.exec(line.trim()))
    .flatMap((m) => (m === null ? [] : [`syntax error at ${shownPath(m[1] ?? '')}:${m[2]}:${m[3]}: ${m[4]}`]));
  if (located.length > 0) return located.join('; ');
  return `${typeof e?.name === 'string' ? e.name : 'Error'}: ${message.split('\n')[0] ?? ''}`;
}

/** JSON.parse says "at position N" (and, on newer Node, line and column); a person wants `file:line:col`. */
function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = (err as Error).message;
    const at = /at position (\d+)/.exec(reason);
    if (at === null) throw new SyntaxError(`${shownPath(path)}: invalid JSON: ${reason}`);
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    const col = Number(at[1]) - before.lastIndexOf('\n');
    const why = reason.replace(/\s*in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
    throw new SyntaxError(`invalid JSON at ${shownPath(path)}:${line}:${col}: ${why}`);
  }
}

function shownPath(file: string): string {
  const cwd = process.cwd();
  return file.startsWith(`${cwd}/`) ? relative(cwd, file) : file;
}
