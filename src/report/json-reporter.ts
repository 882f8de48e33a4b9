import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Reporter } from './reporter.js';

/** `prober.run/v1` as JSON, to a file or (no path) to stdout, which then carries nothing else. */
export function jsonReporter(path: string | undefined): Reporter {
  return {
    name: 'json',
    async report(result) {
      const text = `${JSON.stringify(result, null, 2)}\n`;
      if (path === undefined || path === '-') {
        await new Promise<void>((resolve, reject) =>
          process.stdout.write(text, (err) => (err ? reject(err) : resolve())),
        );
        return;
      }
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    },
  };
}
