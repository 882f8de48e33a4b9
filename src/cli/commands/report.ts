import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { openHistory } from '../../assemble/history.js';
import { isProberSetupError, ProberSetupError, problem, setupError } from '../../config/problems.js';
import { plural } from '../../report/plural.js';
import { buildStatusModel } from '../../report/status-page/page-model.js';
import { renderStatusPage } from '../../report/status-page/render-page.js';
import type { ParsedArgs } from '../command-table.js';
import type { REPORT_TABLE } from '../tables/report.js';

/**
 * `prober report --html out.html [--store PATH|URL] [--refresh SECONDS]`: the status page as a static file, from
 * the history a daemon or `prober run --store` recorded (e.g. published by a CronJob next to its runs).
 */
export async function reportCommand({ values }: ParsedArgs<typeof REPORT_TABLE.flags>): Promise<number> {
  const missing =
    values.html === undefined
      ? [problem('--html', 'required: the file to write the status page to (e.g. --html status.html)')]
      : [];
  // Every problem at once: a missing --html and a missing store are both reported.
  const { store, label } = await openHistory(values.store).catch((err: unknown) => {
    throw isProberSetupError(err) ? new ProberSetupError([...missing, ...err.problems]) : err;
  });
  const { refresh, runs, html } = values;
  if (html === undefined) {
    await store.close();
    throw new ProberSetupError(missing);
  }
  try {
    const model = await buildStatusModel(store, {
      ...(refresh === undefined ? {} : { refreshSeconds: refresh }),
      ...(runs === undefined ? {} : { stripRuns: runs }),
    }).catch((err: unknown) => {
      throw setupError('--store', `cannot read the state store at ${label}: ${describeError(err)}`);
    });
    const out = resolve(html);
    await mkdir(dirname(out), { recursive: true })
      .then(() => writeFile(out, renderStatusPage(model)))
      .catch((err: unknown) => {
        throw setupError('--html', `cannot write the status page to ${out}: ${describeError(err)}`);
      });
    process.stderr.write(
      `status page for ${model.environment} (${plural(model.journeys.length, 'journey')}) written to ${out}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** `EACCES: permission denied, open '…'`: the code first (a log search), the driver's own words after it. */
function describeError(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  return typeof code === 'string' && !message.startsWith(code) ? `${code}: ${message}` : message;
}
