import { once } from 'node:events';
import { ProberSetupError } from '../../journey/errors.js';
import { startSandbox } from '../../sandbox/index.js';
import { parse, parsePairs } from '../args.js';
import { checkFaults, SANDBOX_EMAIL } from './demo.js';

/** Documented development password of the sandbox user unless SANDBOX_PASSWORD is set; loopback only. */
export const DEFAULT_SANDBOX_PASSWORD = 'sandbox-password-not-secret';

export async function sandboxCommand(argv: string[]): Promise<number> {
  const { values } = parse('sandbox', argv, {
    port: { type: 'string' },
    fault: { type: 'string', multiple: true },
    'version-of': { type: 'string', multiple: true },
    rollout: { type: 'string', multiple: true },
  });
  const port = values.port === undefined ? 4100 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_531) {
    throw new ProberSetupError([`--port: expected a port number (0 for random ports), got "${values.port}"`]);
  }
  const faults = values.fault ?? [];
  checkFaults(faults);
  const password = process.env.SANDBOX_PASSWORD ?? DEFAULT_SANDBOX_PASSWORD;
  const versions = serviceMap('version-of', parsePairs('version-of', values['version-of']));
  const rollout = Object.fromEntries(
    Object.entries(serviceMap('rollout', parsePairs('rollout', values.rollout))).map(([service, spec]) => {
      const m = /^([^@]+)@(\d+)$/.exec(spec);
      if (m === null) throw new ProberSetupError([`--rollout: expected SERVICE=VERSION@MS, got "${service}=${spec}"`]);
      return [service, { to: m[1] ?? '', afterMs: Number(m[2]) }];
    }),
  );
  const sandbox = await startSandbox({ basePort: port, faults, versions, rollout, users: [{ email: SANDBOX_EMAIL, password }] });
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
  if (unknown.length > 0) throw new ProberSetupError([`--${flag}: unknown service ${unknown.join(', ')} (services: ${SERVICES.join(', ')})`]);
  return pairs;
}
