import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { preparePackedProject } from './pack-install.js';

/**
 * CLI tests spawn bin/prober.js, which runs dist/: build it first so they never test stale output. Then pack it and
 * install the tarball into a temporary project, for the tests that use the package as users get it.
 */
export default function setup(project: TestProject): void {
  // For iterating on in-process tests while another change leaves the build broken; CI never sets it.
  if (process.env.PROBER_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  // Then the bundled CLI and entry points, as `npm run build` and `prepack` make them (the CLI runs dist/cli.js).
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/bundle.mjs', import.meta.url))], {
    cwd: root,
    stdio: 'inherit',
  });
  project.provide('packedProjectRoot', preparePackedProject(root));
}
