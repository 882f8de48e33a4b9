import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { unzipSync, zipSync } from 'fflate';
import type { Redactor } from '../redact.js';
import { fixNetworkSizes, type ChangedBody } from './trace-network-sizes.js';

/**
 * A Playwright trace is a zip of JSON-lines and resources, and it records what the page sent and showed: the
 * login request body (with the password), token responses, form values in DOM snapshots. Before a trace is kept,
 * every text entry goes through the redactor plus a rule for fields that hold credentials.
 *
 * Scrubbing the text is not enough. Playwright names each resource by the SHA-1 of its content and records sizes,
 * so the unscrubbed login body's hash (a dictionary attack recovers the password offline) and its length would
 * survive. So a scrubbed resource is renamed by the SHA-1 of its scrubbed content, every reference follows it, and
 * each size Playwright recorded for a changed body or header (HAR `bodySize`, `content.size`, `Content-Length`,
 * `headersSize`, `_transferSize`) becomes the scrubbed size or unknown (-1). The zip itself is read and written by
 * fflate (zip64 included); an archive it cannot read is refused rather than kept.
 */

const CREDENTIAL_FIELD = /("(?:[A-Za-z_]*token|password|secret|[A-Za-z_]*_key)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi;
const CREDENTIAL_KEY = /^(?:[A-Za-z_]*token|password|secret|[A-Za-z_]*_key)$/i;
const BINARY = /\.(png|jpe?g|webp|gif|woff2?|ttf|ico|avif|bmp)$/i;
/** `resources/<sha1>[.ext]`: the content-addressed names Playwright gives bodies and snapshot resources. */
const RESOURCE = /^resources\/([0-9a-f]{40})(\.[A-Za-z0-9]+)?$/;
/** JSON-lines entries whose records are rewritten field by field. */
const JSON_LINES = /\.(trace|network)$/;

export interface ZipEntry {
  name: string;
  data: Buffer;
}

export async function scrubTraceFile(from: string, to: string, redactor: Redactor): Promise<void> {
  const scrubbed = scrubTraceEntries(readZip(await readFile(from)), redactor);
  await writeFile(to, writeZip(scrubbed), { mode: 0o600 });
}

/** Pure apart from hashing: the entries of a scrubbed trace. */
export function scrubTraceEntries(entries: readonly ZipEntry[], redactor: Redactor): ZipEntry[] {
  const scrub = (text: string) => redactor.scrub(text).replace(CREDENTIAL_FIELD, '$1[REDACTED]$3');
  // Resources first: their new names and sizes are what the other entries must point at.
  const renamed = new Map<string, ChangedBody>();
  const out = new Map<string, Buffer>();
  for (const e of entries) {
    const m = RESOURCE.exec(e.name);
    if (m === null || BINARY.test(e.name)) continue;
    const data = scrubBytes(e.data, scrub);
    if (data === e.data) continue;
    const sha1 = createHash('sha1').update(data).digest('hex');
    renamed.set(m[1]!, { sha1, size: data.length });
    out.set(`resources/${sha1}${m[2] ?? ''}`, data);
  }
  const rename = (text: string) =>
    renamed.size === 0 ? text : text.replace(/[0-9a-f]{40}/g, (hex) => renamed.get(hex)?.sha1 ?? hex);
  for (const e of entries) {
    const m = RESOURCE.exec(e.name);
    if (m !== null && renamed.has(m[1]!)) continue; // written above under its new name
    if (BINARY.test(e.name)) {
      out.set(e.name, e.data);
      continue;
    }
    const text = e.data.toString('utf8');
    const next = JSON_LINES.test(e.name) ? scrubJsonLines(text, scrub, rename, renamed) : rename(scrub(text));
    out.set(e.name, next === text ? e.data : Buffer.from(next, 'utf8'));
  }
  return [...out].map(([name, data]) => ({ name, data }));
}

function scrubBytes(data: Buffer, scrub: (text: string) => string): Buffer {
  const text = data.toString('utf8');
  const out = scrub(text);
  // Re-encode only when something changed, so a binary resource we did not recognise is never mangled.
  return out === text ? data : Buffer.from(out, 'utf8');
}

/** Each record is parsed, its strings scrubbed (inline bodies are JSON inside strings), then its sizes fixed. */
function scrubJsonLines(
  text: string,
  scrub: (s: string) => string,
  rename: (s: string) => string,
  renamed: ReadonlyMap<string, ChangedBody>,
): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        return rename(scrub(line));
      }
      const scrubbed = walk(record, (s) => rename(scrub(s)));
      fixNetworkSizes(record, scrubbed, renamed);
      return JSON.stringify(scrubbed);
    })
    .join('\n');
}

function walk(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, fn));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        typeof v === 'string' && CREDENTIAL_KEY.test(k) ? '[REDACTED]' : walk(v, fn),
      ]),
    );
  }
  return value;
}

/** Every entry, inflated. Throws on what fflate cannot read (encrypted, unknown method, corrupt). */
export function readZip(zip: Uint8Array): ZipEntry[] {
  return Object.entries(unzipSync(zip)).map(([name, data]) => ({
    name,
    data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  }));
}

/** Deflated entries; times fixed at 1980-01-01, as they carry no meaning in a trace. */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const files = Object.fromEntries(
    entries.map((e) => [e.name, new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength)]),
  );
  return Buffer.from(zipSync(files, { level: 6, mtime: new Date(1980, 0, 1) }));
}
