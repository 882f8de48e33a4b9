import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JourneyDefinition } from '../journey/define.js';

/**
 * What a journey's code is, as one hash: its steps (names, services, budgets and the text of their functions) and
 * the files those steps are defined in. A quarantined journey runs again once this changes, i.e. once someone has
 * edited the probe; a loop in a helper imported from another file is not seen here (an operator clears that one).
 */
export function journeyFingerprint(def: JourneyDefinition, cwd: string = process.cwd()): string {
  const hash = createHash('sha256');
  hash.update(def.name);
  const files = new Set<string>();
  for (const s of def.steps) {
    hash.update(`\0${s.name}\0${s.service}\0${s.timeoutMs}\0${String(s.run)}`);
    const file = sourceFile(s.location);
    if (file !== undefined) files.add(resolve(cwd, file));
  }
  for (const file of [...files].sort()) {
    try {
      hash.update(`\0${file}\0`).update(readFileSync(file));
    } catch {
      // A file that cannot be read (moved, a bundled probe) leaves the step text to tell versions apart.
    }
  }
  return hash.digest('hex').slice(0, 32);
}

/** `probes/x.ts:42` → `probes/x.ts`; undefined when the location is not a file position. */
export function sourceFile(location: string | undefined): string | undefined {
  const m = location === undefined ? null : /^(.+):\d+$/.exec(location);
  return m?.[1];
}
