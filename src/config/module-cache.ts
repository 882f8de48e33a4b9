import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROBER_VERSION } from '../version.js';
import { compileModule, contentHash } from './compile-module.js';

/** What the cache remembers of one source file: the compiled module and the inputs it was built from. */
interface Entry {
  file: string;
  inputs: { path: string; mtimeMs: number; size: number }[];
}

/**
 * Imports a user's TypeScript config or journey, compiled once and reused while none of its inputs changed. A cron
 * job running `prober run` every minute then pays for a few `stat` calls, not for starting esbuild. Compiled files
 * are named by their content, so a changed journey is a new module even within one process (`--watch`).
 */
export async function importUserModule(path: string): Promise<Record<string, unknown>> {
  const dir = cacheDir();
  const index = join(dir, `${contentHash(`${PROBER_VERSION}\0${path}`)}.json`);
  let entry = await readEntry(index);
  if (entry === undefined || !(await fresh(entry))) entry = await rebuild(path, dir, index, entry);
  // Source maps only while the module evaluates: `step()` records its call site then (probe file and line), and
  // later errors on hot paths do not pay for source-mapped stack traces.
  const mapped = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(true);
  try {
    return (await import(pathToFileURL(entry.file).href)) as Record<string, unknown>;
  } finally {
    process.setSourceMapsEnabled(mapped);
  }
}

async function rebuild(path: string, dir: string, index: string, previous: Entry | undefined): Promise<Entry> {
  const staging = join(dir, `${contentHash(path)}-${process.pid}.mjs`);
  const { code, inputs } = await compileModule(path, staging);
  // The source map's paths are relative to the output's folder, which stays the same when it is renamed below.
  const file = join(dir, `${contentHash(path)}-${contentHash(code)}.mjs`);
  await writeFile(staging, code);
  await rename(staging, file);
  const entry: Entry = { file, inputs: await Promise.all(inputs.map(async (p) => ({ path: p, ...(await stamp(p)) }))) };
  const temp = `${index}.${process.pid}`;
  await writeFile(temp, JSON.stringify(entry));
  await rename(temp, index);
  if (previous !== undefined && previous.file !== file) await unlink(previous.file).catch(() => undefined);
  return entry;
}

async function fresh(entry: Entry): Promise<boolean> {
  try {
    await stat(entry.file);
    const now = await Promise.all(entry.inputs.map((i) => stamp(i.path)));
    return now.every((s, n) => s.mtimeMs === entry.inputs[n]?.mtimeMs && s.size === entry.inputs[n]?.size);
  } catch {
    return false;
  }
}

async function stamp(path: string): Promise<{ mtimeMs: number; size: number }> {
  const s = await stat(path);
  return { mtimeMs: s.mtimeMs, size: s.size };
}

async function readEntry(index: string): Promise<Entry | undefined> {
  try {
    return JSON.parse(await readFile(index, 'utf8')) as Entry;
  } catch {
    return undefined;
  }
}

let made: string | undefined;
/** Per user and private: another account must not be able to plant a module we would import. */
function cacheDir(): string {
  if (made !== undefined) return made;
  const dir = process.env.PROBER_CACHE_DIR ?? join(tmpdir(), `golden-path-prober-${userInfo().username}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const s = statSync(dir);
  // A folder someone else made (or opened up) is not trusted: compile into a private one for this process instead.
  made =
    s.uid === process.getuid?.() && (s.mode & 0o077) === 0 ? dir : mkdtempSync(join(tmpdir(), 'golden-path-prober-'));
  return made;
}
