import { existsSync } from 'node:fs';
import { DEFAULT_STORE_PATH } from '../config/daemon-config.js';
import { setupError } from '../config/problems.js';
import { openStore, storeLabel, storeTarget } from '../store/open-store.js';
import type { StateStore } from '../store/state-store.js';

/**
 * The recorded history, read-only use (`prober report`): the store a daemon or `prober run --store` wrote, SQLite
 * or Postgres, opened the one way every entry point opens it. A SQLite file that is not there is a usage error
 * (reading must not create an empty store); one that cannot be opened is one line naming it and why.
 */
export async function openHistory(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ store: StateStore; label: string }> {
  const { target } = storeTarget({ path: DEFAULT_STORE_PATH }, flag, env);
  if (target.kind === 'sqlite' && !existsSync(target.path))
    throw setupError(
      '--store',
      `no state store at ${target.path}`,
      `run \`prober schedule\` or \`prober run --store ${flag ?? DEFAULT_STORE_PATH}\` first`,
    );
  return { store: await openStore(target), label: storeLabel(target) };
}
