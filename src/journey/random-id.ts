import { randomFillSync } from 'node:crypto';

/**
 * Random trace and span ids (W3C Trace Context: 16 and 8 bytes, lowercase hex, never all zeros) cut from one pool
 * of random bytes refilled when used up, as Node's own `randomUUID` does: a `randomBytes(8)` per step cost about
 * 13 µs of synchronous work each, on every step of every run.
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

export function randomHexId(bytes: 8 | 16): string {
  for (;;) {
    if (offset + bytes > pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const id = pool.toString('hex', offset, offset + bytes);
    offset += bytes;
    if (!/^0+$/.test(id)) return id;
  }
}
