import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ProberSetupError } from '../../journey/errors.js';
import { parseReporterSpec } from '../../report/reporters.js';
import { FaultSpecError, parseFault, startSandbox } from '../../sandbox/index.js';
import { PACKAGE_ROOT } from '../../version.js';
import { parse, parseFailOn, parseLogLevel } from '../args.js';
import { executeRun } from '../execute-run.js';
import { withSignals } from '../signals.js';

export const SANDBOX_EMAIL = 'probe@sandbox.test';

export function sandboxConfigPath(): string {
  return fileURLToPath(new URL('config/sandbox.ts', PACKAGE_ROOT));
}

export function checkFaults(faults: readonly string[]): void {
  const problems: string[] = [];
  for (const f of faults) {
    try {
      parseFault(f);
    } catch (err) {
      if (!(err instanceof FaultSpecError)) throw err;
      problems.push(`--fault: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ProberSetupError(problems);
}

/** Starts the sandbox staging in-process with a fresh random password, runs the journeys against it, stops it. */
export async function demoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('demo', argv, {
    fault: { type: 'string', multiple: true },
    reporter: { type: 'string', multiple: true },
    'fail-on': { type: 'string' },
    'log-level': { type: 'string' },
  });
  const faults = values.fault ?? [];
  checkFaults(faults);
  const failOnDegraded = parseFailOn(values['fail-on']);
  const logLevel = parseLogLevel(values['log-level']);
  const password = randomBytes(18).toString('base64url');
  const sandbox = await startSandbox({ faults, users: [{ email: SANDBOX_EMAIL, password }] });
  try {
    if (faults.length > 0) process.stderr.write(`sandbox faults: ${faults.join(', ')}\n`);
    return await withSignals(async (signal) => {
      const { exitCode } = await executeRun({
        configPath: sandboxConfigPath(),
        journeys: positionals,
        reporters: (values.reporter ?? []).map(parseReporterSpec),
        failOnDegraded,
        targets: { auth: sandbox.urls.auth, backend: sandbox.urls.backend, web: sandbox.urls.web },
        env: { ...process.env, SANDBOX_PASSWORD: password },
        signal,
        logFormat: 'pretty',
        ...(logLevel === undefined ? {} : { logLevel }),
        // No Chromium here: say once how to get one, and still show the API journey.
        onBrowserMissing: (hint) => process.stderr.write(`${hint}\n`),
      });
      return exitCode;
    });
  } finally {
    await sandbox.close();
  }
}
