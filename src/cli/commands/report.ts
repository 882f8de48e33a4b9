import { plural } from '../../report/plural.js';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ProberSetupError } from '../../journey/errors.js';
import { buildStatusModel } from '../../report/status-page/page-model.js';
import { renderStatusPage } from '../../report/status-page/render-page.js';
import { DEFAULT_STORE_PATH } from '../../store/run-store.js';
import { SqliteRunStore } from '../../store/sqlite-run-store.js';
import type { ParsedArgs } from '../command-table.js';
import type { REPORT_TABLE } from '../tables/report.js';

/**
 * `prober report --html out.html [--store PATH] [--refresh SECONDS]`: the status page as a static file, from the
 * history a daemon or `prober run --store` recorded (e.g. published by a CronJob next to its runs).
 */
export async function reportCommand({ values }: ParsedArgs<typeof REPORT_TABLE.flags>): Promise<number> {
  const problems: string[] = [];
  if (values.html === undefined)
    problems.push('--html: required: the file to write the status page to (e.g. --html status.html)');
  const storePath = resolve(values.store ?? DEFAULT_STORE_PATH);
  if (!existsSync(storePath))
    problems.push(
      `--store: no state store at ${storePath}; run \`prober schedule\` or \`prober run --store ${values.store ?? DEFAULT_STORE_PATH}\` first`,
    );
  const { refresh, runs } = values;
  if (problems.length > 0 || values.html === undefined) throw new ProberSetupError(problems);

  const store = new SqliteRunStore(storePath);
  try {
    const model = await buildStatusModel(store, {
      ...(refresh === undefined ? {} : { refreshSeconds: refresh }),
      ...(runs === undefined ? {} : { stripRuns: runs }),
    });
    const out = resolve(values.html);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, renderStatusPage(model));
    process.stderr.write(
      `status page for ${model.environment} (${plural(model.journeys.length, 'journey')}) written to ${out}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
