/**
 * Sizes in a Playwright trace's network records (HAR-shaped `resource-snapshot`s) that would tell the length of
 * what was scrubbed: a 57-byte login body is a password of 13 characters. For a request or response whose body or
 * headers the scrubber changed, every size becomes the scrubbed size, or -1 (HAR's "unknown") where it counted
 * bytes we no longer have (headers on the wire, transfer with compression).
 */

/** A resource whose content the scrubber changed: its new name (SHA-1) and size. */
export interface ChangedBody {
  sha1: string;
  size: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Mutates `scrubbed` (the record after string scrubbing), comparing with `raw` (the same record before). */
export function fixNetworkSizes(raw: unknown, scrubbed: unknown, renamed: ReadonlyMap<string, ChangedBody>): void {
  if (!isObject(raw) || !isObject(scrubbed) || !isObject(raw.snapshot) || !isObject(scrubbed.snapshot)) return;
  for (const half of ['request', 'response'] as const) {
    const before = raw.snapshot[half];
    const after = scrubbed.snapshot[half];
    if (isObject(before) && isObject(after)) fixHalf(before, after, renamed);
  }
}

function fixHalf(before: Json, after: Json, renamed: ReadonlyMap<string, ChangedBody>): void {
  const body = isObject(after.postData) ? 'postData' : isObject(after.content) ? 'content' : undefined;
  const newSize = body === undefined ? undefined : changedBodySize(before[body] as Json, after[body] as Json, renamed);
  const headersChanged = JSON.stringify(before.headers) !== JSON.stringify(after.headers);
  if (newSize === undefined && !headersChanged) return;
  if (newSize !== undefined) {
    after.bodySize = newSize;
    if (body === 'content') {
      const content = after.content as Json;
      content.size = newSize;
      if ('compression' in content) content.compression = 0;
    } else if ('size' in (after.postData as Json)) {
      (after.postData as Json).size = newSize;
    }
    if (Array.isArray(after.headers)) {
      for (const h of after.headers)
        if (isObject(h) && typeof h.name === 'string' && h.name.toLowerCase() === 'content-length')
          h.value = String(newSize);
    }
  }
  if ('headersSize' in after) after.headersSize = -1;
  if ('_transferSize' in after) after._transferSize = -1;
}

/** The scrubbed body's size if the scrubber changed it (a renamed resource, or inline text), else undefined. */
function changedBodySize(before: Json, after: Json, renamed: ReadonlyMap<string, ChangedBody>): number | undefined {
  for (const key of ['_file', '_sha1']) {
    const ref = before[key];
    const hex = typeof ref === 'string' ? /[0-9a-f]{40}/.exec(ref)?.[0] : undefined;
    if (hex !== undefined && renamed.has(hex)) return renamed.get(hex)!.size;
  }
  if (typeof before.text === 'string' && typeof after.text === 'string' && before.text !== after.text)
    return Buffer.byteLength(after.text, 'utf8');
  return undefined;
}
