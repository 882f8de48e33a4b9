import { once } from 'node:events';
import { ProberSetupError } from '../../journey/errors.js';
import { startSandbox } from '../../sandbox/index.js';
import { parse } from '../args.js';
import { checkFaults, SANDBOX_EMAIL } from './demo.js';

/** Documented development password of the sandbox user unless SANDBOX_PASSWORD is set; loopback only. */
export const DEFAULT_SANDBOX_PASSWORD = 'sandbox-password-not-secret';

export async function sandboxCommand(argv: string[]): Promise<number> {
  const { values } = parse('sandbox', argv, { port: { type: 'string' }, fault: { type: 'string', multiple: true } });
  const port = values.port === undefined ? 4100 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_531) {
    throw new ProberSetupError([`--port: expected a port number (0 for random ports), got "${values.port}"`]);
  }
  const faults = values.fault ?? [];
  checkFaults(faults);
  const password = process.env.SANDBOX_PASSWORD ?? DEFAULT_SANDBOX_PASSWORD;
  const sandbox = await startSandbox({ basePort: port, faults, users: [{ email: SANDBOX_EMAIL, password }] });
  process.stdout.write(`${JSON.stringify(sandbox.urls)}\n`);
  process.stderr.write(`sandbox user ${SANDBOX_EMAIL}; faults at ${sandbox.urls.control}/faults; Ctrl-C to stop\n`);
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await sandbox.close();
  return 0;
}
