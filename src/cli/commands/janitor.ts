import { ProberSetupError } from '../../journey/errors.js';
import { runJanitor } from '../../journey/run-janitor.js';
import { parse, parseLogLevel, parsePairs } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { prepareRun } from '../execute-run.js';
import { defaultConfigPath } from './run.js';

/** Deletes what killed runs left behind (synthetic sessions older than --older-than) and says how many. */
export async function janitorCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('janitor', argv, {
    config: { type: 'string' },
    'older-than': { type: 'string' },
    target: { type: 'string', multiple: true },
    'log-level': { type: 'string' },
  });
  const logLevel = parseLogLevel(values['log-level']);
  const { loaded, runOptions } = await prepareRun({
    configPath: values.config ?? defaultConfigPath(),
    targets: parsePairs('target', values.target),
    ...(logLevel === undefined ? {} : { logLevel }),
  });
  const olderThanMs = values['older-than'] === undefined ? loaded.config.janitor.olderThanMs : Number(values['older-than']);
  if (!Number.isInteger(olderThanMs) || olderThanMs < 0) {
    throw new ProberSetupError([`--older-than: expected milliseconds (a whole number ≥ 0), got "${values['older-than']}"`]);
  }
  const selected = loaded.journeys.filter((j) => j.janitor !== undefined && (positionals.length === 0 || positionals.includes(j.name)));
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
