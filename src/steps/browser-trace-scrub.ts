import { readFile, writeFile } from 'node:fs/promises';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Redactor } from '../redact.js';

/**
 * A Playwright trace is a zip of JSON-lines and resources, and it records what the page sent and showed: the
 * login request body (with the password), token responses, form values in DOM snapshots. Before a trace is kept,
 * every text entry goes through the redactor plus a rule for JSON fields that hold credentials.
 * Only what Playwright writes is supported (no zip64, no encryption); anything else is refused rather than kept.
 */

const CREDENTIAL_FIELD = /("(?:[A-Za-z_]*token|password|secret|[A-Za-z_]*_key)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi;
const BINARY = /\.(png|jpe?g|webp|gif|woff2?|ttf|ico)$/i;

interface Entry {
  name: string;
  data: Buffer;
}

export async function scrubTraceFile(from: string, to: string, redactor: Redactor): Promise<void> {
  const entries = readZip(await readFile(from));
  const scrubbed = entries.map((e) => ({ name: e.name, data: BINARY.test(e.name) ? e.data : scrubText(e.data, redactor) }));
  await writeFile(to, writeZip(scrubbed), { mode: 0o600 });
}

function scrubText(data: Buffer, redactor: Redactor): Buffer {
  const text = data.toString('utf8');
  const out = redactor.scrub(text).replace(CREDENTIAL_FIELD, '$1[REDACTED]$3');
  // Re-encode only when something changed, so a binary resource we did not recognise is never mangled.
  return out === text ? data : Buffer.from(out, 'utf8');
}

export function readZip(zip: Buffer): Entry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) throw new Error('not a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || at === 0xffffffff) throw new Error('zip64 traces are not supported');
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(at + 10);
    const flags = zip.readUInt16LE(at + 8);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if ((flags & 0x1) !== 0) throw new Error('encrypted zip entries are not supported');
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + size);
    if (method !== 0 && method !== 8) throw new Error(`unsupported zip method ${method}`);
    entries.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export function writeZip(entries: readonly Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = deflateRawSync(e.data);
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: deflate
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00: times carry no meaning in a trace
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
