import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { isOwnRunFolder } from '../steps/artifact-run-folder.js';

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webm': 'video/webm',
  '.zip': 'application/zip',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** URL path prefix under which the daemon serves what it wrote to `browser.artifactsDir`. */
export const ARTIFACTS_PREFIX = '/artifacts/';

/**
 * The file under `dir` that `/artifacts/<rest>` names, or undefined. Only what the prober wrote is served: the first
 * segment must be one of its own run folders (a run-id name with the prober's marker, `isOwnRunFolder`), so a
 * misconfigured `artifactsDir` (`.`, a home folder) exposes no config, store or `.env`. Path-traversal safe by
 * construction: every segment is decoded once and must be a plain name (no separator, no NUL, no leading dot, so
 * neither `..` nor the marker nor any dotfile), and the real path (symlinks resolved) must still lie inside the run
 * folder. Only regular files are served.
 */
export async function resolveArtifact(dir: string, rest: string): Promise<string | undefined> {
  let segments: string[];
  try {
    segments = rest.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return undefined; // malformed %-escape
  }
  const [run, ...inside] = segments;
  if (
    run === undefined ||
    inside.length === 0 ||
    segments.some((s) => s === '' || s.startsWith('.') || /[/\\\0]/.test(s))
  )
    return undefined;
  try {
    if (!(await isOwnRunFolder(dir, run))) return undefined;
    const root = await realpath(join(dir, run));
    const file = await realpath(join(root, ...inside));
    const rel = relative(root, file);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined;
    return (await stat(file)).isFile() ? file : undefined;
  } catch {
    return undefined; // absent (or the artifacts folder does not exist yet)
  }
}

/** Streams an artifact; the browser must not sniff a screenshot into something executable. */
export function sendArtifact(res: ServerResponse, file: string, size: number): void {
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'content-length': size,
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, max-age=3600',
    ...(type.startsWith('image/') ? {} : { 'content-disposition': 'attachment' }),
  });
  if (res.req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

/**
 * How the status page links an artifact the daemon wrote: relative (`artifacts/<run>/<journey>/<step>.png`), so it
 * works behind any proxy prefix; paths outside `dir` (another tool's) are left as they are.
 */
export function artifactLink(dir: string | undefined, path: string): string {
  if (dir === undefined || !isAbsolute(path)) return path;
  const rel = relative(dir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return `${ARTIFACTS_PREFIX.slice(1)}${rel.split(sep).map(encodeURIComponent).join('/')}`;
}
