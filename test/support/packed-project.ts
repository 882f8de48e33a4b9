import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';
import { runCli, type CliResult } from './cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Root of a temporary npm project with the packed `golden-path-prober` tarball installed (global setup). */
    packedProjectRoot: string;
  }
}

/**
 * A temporary npm project with this repository's `npm pack` tarball installed, as users get the package. Journeys
 * and configs written into it import only `golden-path-prober` (and `golden-path-prober/browser`); a test that
 * imports `../src/` proves less. Prepared once per test run by `test/support/global-setup.ts`.
 */
export interface PackedProject {
  /** The project root: `node_modules/golden-path-prober` is the unpacked tarball. */
  readonly root: string;
  /** The installed CLI entry (`node_modules/golden-path-prober/bin/prober.js`). */
  readonly bin: string;
  /** A fresh folder inside the project holding `files` (relative path → content); returns its absolute path. */
  workspace(files: Record<string, string>): Promise<string>;
  /** Spawns the installed `prober` CLI, by default in the project root. */
  prober(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult>;
}

export function packedProject(): PackedProject {
  const root = inject('packedProjectRoot');
  const bin = join(root, 'node_modules', 'golden-path-prober', 'bin', 'prober.js');
  return {
    root,
    bin,
    async workspace(files) {
      const dir = await mkdtemp(join(root, 'ws-'));
      for (const [rel, content] of Object.entries(files)) {
        const path = join(dir, rel);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, content);
      }
      return dir;
    },
    prober: (args, options = {}) => runCli(args, { ...options, cwd: options.cwd ?? root, bin }),
  };
}
