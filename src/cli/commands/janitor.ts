import { runJanitor } from '../../journey/run-janitor.js';
import { defaultConfigPath } from '../../config/find-config.js';
import type { ParsedArgs } from '../command-table.js';
import { EXIT } from '../exit-codes.js';
import { baseRun } from '../../assemble/base-run.js';
import { loadConfig } from '../../config/load-config.js';
import type { JANITOR_TABLE } from '../tables/janitor.js';

/** Deletes what killed runs left behind (synthetic sessions older than --older-than) and says how many. */
export async function janitorCommand({ values, positionals }: ParsedArgs<typeof JANITOR_TABLE.flags>): Promise<number> {
  const logLevel = values['log-level'];
  const loaded = await loadConfig(values.config ?? defaultConfigPath(), { targets: values.target });
  const { runOptions } = baseRun(loaded, { logLevel });
  const olderThanMs = values['older-than'] ?? loaded.config.janitor.olderThanMs;
  const selected = loaded.journeys.filter(
    (j) => j.janitor !== undefined && (positionals.length === 0 || positionals.includes(j.name)),
  );
  let exit: number = EXIT.pass;
  for (const def of selected) {
    const r = await runJanitor(def, olderThanMs, { ...runOptions, runId: runOptions.runId ?? 'janitor' });
    if (r === undefined) continue;
    const line =
      r.error === undefined
        ? `${def.name}: deleted ${r.deleted ?? 0} synthetic leftovers older than ${olderThanMs} ms`
        : `${def.name}: janitor ${r.status} (${r.error.category}): ${r.error.message}`;
    process.stdout.write(`${runOptions.redactor.scrub(line)}\n`);
    if (r.status === 'error') exit = EXIT.error;
    else if (r.status === 'fail' && exit === EXIT.pass) exit = EXIT.fail;
  }
  if (selected.length === 0) process.stdout.write('no journey defines a janitor\n');
  return exit;
}
