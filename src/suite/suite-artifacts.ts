import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { SuiteJourney } from '../config/discover-suites.js';
import type { SuiteEvent } from '../config/suite-events.js';
import type { Redactor } from '../redact.js';
import { ensureRunFolder } from '../steps/artifact-run-folder.js';
import { artifactName, journeyArtifactDir } from '../steps/browser-artifacts.js';
import { scrubTraceFile } from '../steps/browser-trace-scrub.js';
import type { SeenRequest } from './classify-suite-error.js';
import { traceRequests } from './trace-requests.js';

export interface SuiteEvidence {
  requests: Map<string, SeenRequest[]>;
  artifacts: Map<string, string[]>;
}

/**
 * What Playwright wrote for each failed attempt (trace, screenshot, video, error context), kept under
 * `<dir>/<runId>/<journey>/` (`attempt-N/` for retries) as the prober's own browser evidence is: traces scrubbed the
 * same way (secrets, their hashes and sizes), text scrubbed, images and videos copied. A `storageState` file (cookies
 * and origins) is never kept, whatever it is attached as. The page's requests are read from every trace, kept or not.
 * Also keeps Playwright's JSON report, scrubbed, as `<dir>/<runId>/<suite>.playwright-report.json`. Best effort: evidence
 * never changes a verdict.
 */
export async function keepSuiteEvidence(
  events: readonly SuiteEvent[],
  defs: readonly SuiteJourney[],
  o: { dir: string; runId: string; redactor: Redactor; reportFile: string },
): Promise<SuiteEvidence> {
  // The run folder's marker first: the daemon serves (and pruning deletes) only folders it can tell are the prober's.
  await ensureRunFolder(o.dir, o.runId).catch(() => undefined);
  const journeyOf = new Map<string, string>();
  for (const d of defs) for (const t of d.suite.tests) journeyOf.set(t.id, d.name);
  const out: SuiteEvidence = { requests: new Map(), artifacts: new Map() };
  const suiteName = defs[0]?.suite.suiteName ?? 'suite';
  for (const e of events) {
    if (e.type !== 'test/end') continue;
    const key = `${e.id}#${e.retry}`;
    // A failed setup test (a dependency project's) is every journey's failing step: its evidence is kept once.
    const journey = journeyOf.get(e.id) ?? `${suiteName}.setup`;
    const traces = e.attachments.filter((a) => a.name === 'trace' || a.contentType === 'application/zip');
    const seen = (await Promise.all(traces.map((t) => traceRequests(t.path)))).flat();
    out.requests.set(
      key,
      seen.sort((a, b) => a.startedAt - b.startedAt),
    );
    if (e.status === e.expectedStatus) continue;
    const dir = journeyArtifactDir(o.dir, o.runId, journey, e.retry + 1);
    const kept: string[] = [];
    const names = new Set<string>();
    for (const a of e.attachments) {
      const stem = artifactName(a.name);
      const ext = extname(a.path).slice(0, 8);
      let name = `${stem}${ext}`;
      for (let n = 2; names.has(name); n++) name = `${stem}-${n}${ext}`;
      names.add(name);
      const to = join(dir, name);
      if (await keepOne(a, to, o.redactor)) kept.push(to);
    }
    if (kept.length > 0) out.artifacts.set(key, kept);
  }
  await keepReport(o, suiteName);
  return out;
}

async function keepOne(a: { path: string; contentType: string }, to: string, redactor: Redactor): Promise<boolean> {
  try {
    await mkdir(join(to, '..'), { recursive: true });
    if (a.contentType === 'application/zip' || a.path.endsWith('.zip')) {
      await scrubTraceFile(a.path, to, redactor);
      return true;
    }
    if (/^(image|video)\//.test(a.contentType)) {
      await copyFile(a.path, to);
      return true;
    }
    if (/^text\/|json/.test(a.contentType)) {
      const text = await readFile(a.path, 'utf8');
      if (isStorageState(text)) return false;
      await writeFile(to, redactor.scrub(text), { mode: 0o600 });
      return true;
    }
    return false;
  } catch {
    return false;
  }
}

/** Playwright's `storageState` (session cookies and local storage): a login anyone holding the file can replay. */
export function isStorageState(text: string): boolean {
  try {
    const v = JSON.parse(text) as { cookies?: unknown; origins?: unknown };
    return Array.isArray(v.cookies) && Array.isArray(v.origins);
  } catch {
    return false;
  }
}

async function keepReport(
  o: { dir: string; runId: string; redactor: Redactor; reportFile: string },
  suite: string,
): Promise<void> {
  try {
    const text = await readFile(o.reportFile, 'utf8');
    const dir = join(o.dir, artifactName(o.runId));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${artifactName(suite)}.playwright-report.json`), o.redactor.scrub(text), {
      mode: 0o600,
    });
  } catch {
    // no report (the process was killed before Playwright wrote it)
  }
}
