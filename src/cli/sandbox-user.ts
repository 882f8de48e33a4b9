import { fileURLToPath } from 'node:url';
import { ProberSetupError, problem, type Problem } from '../config/problems.js';
import { FaultSpecError, parseFault } from '../sandbox/index.js';
import { PACKAGE_ROOT } from '../version.js';

/** What `prober demo` and `prober sandbox` share: the sandbox user, its config, and the `--fault` check. */

export const SANDBOX_EMAIL = 'probe@sandbox.test';

/** Documented development password of the sandbox user unless SANDBOX_PASSWORD is set; loopback only. */
export const DEFAULT_SANDBOX_PASSWORD = 'sandbox-password-not-secret';

export function sandboxConfigPath(): string {
  return fileURLToPath(new URL('config/sandbox.ts', PACKAGE_ROOT));
}

/** Every `--fault` that does not parse, one line each, before the sandbox starts. */
export function checkFaults(faults: readonly string[]): void {
  const problems: Problem[] = [];
  for (const f of faults) {
    try {
      parseFault(f);
    } catch (err) {
      if (!(err instanceof FaultSpecError)) throw err;
      problems.push(problem('--fault', (err as Error).message));
    }
  }
  if (problems.length > 0) throw new ProberSetupError(problems);
}
