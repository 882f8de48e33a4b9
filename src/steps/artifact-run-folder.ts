import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What makes a folder under `browser.artifactsDir` one of ours. `artifactsDir` may be shared with other tools (or
 * be misconfigured as `.`, `reports/`, `/tmp`), so pruning and the daemon's `/artifacts/` touch only folders that
 * carry both signs the prober leaves: a run id as the name (a UUID, which nobody types by hand) and a marker file
 * naming that same run id inside. A folder with only one of the two is someone else's and is left alone.
 */

/** The marker file the prober writes into each run folder it creates. A dotfile: it is never served. */
export const RUN_MARKER = '.golden-path-prober-run';

/** Run ids are `crypto.randomUUID()`: lowercase, version 4. */
const RUN_FOLDER_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isRunFolderName(name: string): boolean {
  return RUN_FOLDER_NAME.test(name);
}

interface Marker {
  writer: 'golden-path-prober';
  runId: string;
}

function markerText(runId: string): string {
  const marker: Marker = { writer: 'golden-path-prober', runId };
  return `${JSON.stringify(marker)}\n`;
}

/**
 * Creates `<dir>/<runId>/` with its marker (idempotent; concurrent journeys of one run race here). The marker is
 * written whatever the run id looks like, but only a UUID-named folder is ever pruned or served.
 */
export async function ensureRunFolder(dir: string, runId: string): Promise<void> {
  const folder = join(dir, runId);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, RUN_MARKER), markerText(runId), { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}

/**
 * True when `<dir>/<name>` is a run folder the prober created: a real directory (not a symlink to elsewhere) with a
 * UUID name and a regular marker file that names the same run. Never throws.
 */
export async function isOwnRunFolder(dir: string, name: string): Promise<boolean> {
  if (!isRunFolderName(name)) return false;
  const folder = join(dir, name);
  try {
    const [info, marker] = await Promise.all([lstat(folder), lstat(join(folder, RUN_MARKER))]);
    // The marker is a few dozen bytes; a large file by that name is not ours, and is not read.
    if (!info.isDirectory() || !marker.isFile() || marker.size > 256) return false;
    return (await readFile(join(folder, RUN_MARKER), 'utf8')) === markerText(name);
  } catch {
    return false;
  }
}
