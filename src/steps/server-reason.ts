import type { Readable } from 'node:stream';

/**
 * What a server said about why it refused a request, for the failure message: "returned HTTP 401" alone reads the
 * same for a wrong audience, an expired token and a missing one. Pure functions over the `WWW-Authenticate` header
 * (RFC 6750 §3, RFC 7235) and a JSON error body (RFC 6749 §5.2, RFC 9457 problem details, the `{ error: { message } }`
 * most JSON APIs send). Each part is one line and truncated; the message is redacted on its way out like any other.
 */

/** Longest a quoted server reason may be in a message. */
export const MAX_REASON_CHARS = 200;
/** How much of a failed response's body is read to find its reason; the rest is discarded unread. */
export const REASON_BODY_BYTES = 16 * 1024;

/** `error` and `error_description` of a Bearer (or any scheme's) challenge; undefined when it names neither. */
export function wwwAuthenticateReason(header: string | readonly string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const text = typeof header === 'string' ? header : header.join(', ');
  const params = new Map<string, string>();
  for (const m of text.matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    const key = (m[1] ?? '').toLowerCase();
    const value = m[2] === undefined ? (m[3] ?? '') : m[2].replace(/\\(.)/g, '$1');
    if (!params.has(key)) params.set(key, value);
  }
  return joinParts([params.get('error'), params.get('error_description')]);
}

/** `error` / `error_description` / `message` / `detail` (and `title`) of a JSON body; undefined for anything else. */
export function jsonBodyReason(text: string, contentType?: string): string | undefined {
  const looksJson = /json/i.test(contentType ?? '') || /^\s*\{/.test(text);
  if (!looksJson) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  // `{ error: { message, code } }` (OpenAI, Google APIs) as well as OAuth2's `{ error: "invalid_grant" }`.
  const nested = o.error !== null && typeof o.error === 'object' ? (o.error as Record<string, unknown>) : undefined;
  return joinParts([
    str(o.error) ?? str(nested?.code) ?? str(nested?.type),
    str(o.error_description),
    str(o.message) ?? str(nested?.message),
    str(o.detail) ?? str(o.title),
  ]);
}

/** Both reasons, without saying the same thing twice: the challenge first, then the body. */
export function serverReason(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string | undefined,
): string | undefined {
  const contentType = headers['content-type'];
  const fromHeader = wwwAuthenticateReason(headers['www-authenticate']);
  const fromBody =
    body === undefined ? undefined : jsonBodyReason(body, Array.isArray(contentType) ? contentType[0] : contentType);
  if (fromHeader === undefined || fromBody === undefined) return fromHeader ?? fromBody;
  if (fromHeader.includes(fromBody)) return fromHeader;
  if (fromBody.includes(fromHeader)) return fromBody;
  return `${fromHeader}; ${fromBody}`;
}

/** Reads at most `REASON_BODY_BYTES` of a body and discards the rest (the connection is not reused after it). */
export async function readReasonBody(body: Readable): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= REASON_BODY_BYTES) break;
    }
  } catch {
    return undefined;
  } finally {
    if (!body.readableEnded) body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, REASON_BODY_BYTES).toString('utf8');
}

function str(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** Distinct non-empty parts on one line, each cut to a readable length. */
function joinParts(parts: readonly (string | undefined)[], separator = ': '): string | undefined {
  const seen: string[] = [];
  for (const part of parts) {
    if (part === undefined) continue;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes.
    const line = part.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    if (line === '' || seen.includes(line)) continue;
    seen.push(line.length > MAX_REASON_CHARS ? `${line.slice(0, MAX_REASON_CHARS - 1)}…` : line);
  }
  return seen.length === 0 ? undefined : seen.join(separator);
}
