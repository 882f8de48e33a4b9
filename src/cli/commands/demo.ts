import { randomBytes } from 'node:crypto';
import { parseReporterSpec } from '../../report/reporters.js';
import { startSandbox } from '../../sandbox/index.js';
import type { ParsedArgs } from '../command-table.js';
import { executeRun } from '../execute-run.js';
import { checkFaults, SANDBOX_EMAIL, sandboxConfigPath } from '../sandbox-user.js';
import { withSignals } from '../signals.js';
import type { DEMO_TABLE } from '../tables/demo.js';

/** Starts the sandbox staging in-process with a fresh random password, runs the journeys against it, stops it. */
export async function demoCommand({ values, positionals }: ParsedArgs<typeof DEMO_TABLE.flags>): Promise<number> {
  const faults = values.fault;
  checkFaults(faults);
  const logLevel = values['log-level'];
  const password = randomBytes(18).toString('base64url');
  const sandbox = await startSandbox({ faults, users: [{ email: SANDBOX_EMAIL, password }] });
  try {
    if (faults.length > 0) process.stderr.write(`sandbox faults: ${faults.join(', ')}\n`);
    return await withSignals(async (signal) => {
      const { exitCode } = await executeRun({
        configPath: sandboxConfigPath(),
        selection: { journeys: positionals, signal },
        reporters: values.reporter.map(parseReporterSpec),
        failOnDegraded: values['fail-on'] === 'degraded',
        targets: { auth: sandbox.urls.auth, backend: sandbox.urls.backend, web: sandbox.urls.web },
        env: { ...process.env, SANDBOX_PASSWORD: password },
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
