import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** CLI tests spawn bin/prober.js, which runs dist/: build it first so they never test stale output. */
export default function setup(): void {
  // For iterating on in-process tests while another change leaves the build broken; CI never sets it.
  if (process.env.PROBER_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
