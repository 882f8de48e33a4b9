import { once } from 'node:events';
import { setupError } from '../../config/problems.js';
import { startSandbox } from '../../sandbox/index.js';
import type { ParsedArgs } from '../command-table.js';
import { checkFaults, DEFAULT_SANDBOX_PASSWORD, SANDBOX_EMAIL } from '../sandbox-user.js';
import type { SANDBOX_TABLE } from '../tables/sandbox.js';

export async function sandboxCommand({ values }: ParsedArgs<typeof SANDBOX_TABLE.flags>): Promise<number> {
  const port = values.port;
  const faults = values.fault;
  checkFaults(faults);
  const password = process.env.SANDBOX_PASSWORD ?? DEFAULT_SANDBOX_PASSWORD;
  const versions = serviceMap('version-of', values['version-of']);
  const rollout = Object.fromEntries(
    Object.entries(serviceMap('rollout', values.rollout)).map(([service, spec]) => {
      const m = /^([^@]+)@(\d+)$/.exec(spec);
      if (m === null) throw setupError('--rollout', `expected SERVICE=VERSION@MS, got "${service}=${spec}"`);
      return [service, { to: m[1] ?? '', afterMs: Number(m[2]) }];
    }),
  );
  const sandbox = await startSandbox({
    basePort: port,
    faults,
    versions,
    rollout,
    users: [{ email: SANDBOX_EMAIL, password }],
  });
  process.stdout.write(`${JSON.stringify(sandbox.urls)}\n`);
  process.stderr.write(`sandbox user ${SANDBOX_EMAIL}; faults at ${sandbox.urls.control}/faults; Ctrl-C to stop\n`);
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await sandbox.close();
  return 0;
}

const SERVICES = ['auth', 'backend', 'web'] as const;

/** `--version-of backend=2.0.0`: only the sandbox's own services have versions. */
function serviceMap(flag: string, pairs: Record<string, string>): Partial<Record<(typeof SERVICES)[number], string>> {
  const unknown = Object.keys(pairs).filter((k) => !(SERVICES as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw setupError(`--${flag}`, `unknown service ${unknown.join(', ')} (services: ${SERVICES.join(', ')})`);
  return pairs;
}
