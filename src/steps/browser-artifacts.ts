import { lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { Redactor } from '../redact.js';
import { ensureRunFolder, isOwnRunFolder } from './artifact-run-folder.js';
import { scrubTraceFile } from './browser-trace-scrub.js';

/**
 * Evidence of a failed browser step: a full-page screenshot and, when configured, a Playwright trace.
 * Layout: `<artifactsDir>/<runId>/<journey>/<step>.png` and `.../trace.zip`; a retried journey's later attempts
 * write under `<journey>/attempt-N/`, so no attempt overwrites another's evidence. Only ids and names we chose go into
 * paths, never anything the page or the config supplied, so no secret can end up in a file name.
 */
export interface ArtifactOptions {
  dir: string;
  trace: 'off' | 'on-failure' | 'on';
  /** Scrubs secrets out of trace files, which record request bodies and form values. */
  redactor: Redactor;
  /** Bound on one screenshot: evidence must never hold up the journey. */
  screenshotTimeoutMs?: number;
}

const SAFE = /[^A-Za-z0-9._-]+/g;

export function artifactName(part: string): string {
  const cleaned = part.replace(SAFE, '_').replace(/^\.+/, '_');
  return cleaned === '' ? '_' : cleaned.slice(0, 100);
}

export function journeyArtifactDir(dir: string, runId: string, journey: string, attempt = 1): string {
  const base = join(dir, artifactName(runId), artifactName(journey));
  return attempt > 1 ? join(base, `attempt-${attempt}`) : base;
}

/** Artifacts of one journey run in one browser context. */
export class JourneyArtifacts {
  private tracing = false;
  private scrubbing: Promise<void> = Promise.resolve();
  private readonly dir: string;
  private readonly runId: string;

  constructor(
    private readonly options: ArtifactOptions,
    run: { runId: string; journey: string; attempt?: number },
  ) {
    this.dir = journeyArtifactDir(options.dir, run.runId, run.journey, run.attempt);
    this.runId = artifactName(run.runId);
  }

  /** The run folder gets its marker before anything is written in it, so pruning can tell it is ours. */
  private async ensureDir(): Promise<void> {
    await ensureRunFolder(this.options.dir, this.runId).catch(() => undefined);
    await mkdir(this.dir, { recursive: true }).catch(() => undefined);
  }

  /** Tracing must start before the first action to be useful; whether it is kept is decided on failure. */
  async startTrace(context: BrowserContext): Promise<void> {
    if (this.options.trace === 'off') return;
    await context.tracing.start({ screenshots: true, snapshots: true, sources: false });
    this.tracing = true;
  }

  /**
   * Best effort: the paths written for a failed step. Never throws. The screenshot and the trace are taken at once;
   * scrubbing the trace (CPU-bound) finishes in the background and `settle()` awaits it before the journey ends,
   * so the failed step's duration stays the time to failure rather than the time to gather evidence.
   */
  async forFailedStep(step: string, page: Page): Promise<string[]> {
    await this.ensureDir();
    const [shot, trace] = await Promise.all([this.screenshot(step, page), this.saveTrace(page.context())]);
    return [shot, trace].filter((p): p is string => p !== undefined);
  }

  /** Best effort: a screenshot of a step that passed (a retry's evidence). Never throws. */
  async forPassedStep(step: string, page: Page): Promise<string[]> {
    await this.ensureDir();
    const shot = await this.screenshot(step, page);
    return shot === undefined ? [] : [shot];
  }

  /** Waits for a trace still being scrubbed. Never throws. */
  async settle(): Promise<void> {
    await this.scrubbing;
  }

  /**
   * At journey end: drops the trace of a run that did not fail (the common case), or with `trace: 'on'` keeps it
   * (scrubbed) as `trace.zip`, for `--trace on` while writing or debugging a journey.
   */
  async discardTrace(context: BrowserContext): Promise<void> {
    if (!this.tracing) return;
    if (this.options.trace === 'on') {
      await this.ensureDir();
      await this.saveTrace(context);
      return;
    }
    this.tracing = false;
    await context.tracing.stop().catch(() => undefined);
  }

  private async screenshot(step: string, page: Page): Promise<string | undefined> {
    if (page.isClosed()) return undefined;
    const path = join(this.dir, `${artifactName(step)}.png`);
    try {
      await page.screenshot({
        path,
        fullPage: true,
        animations: 'disabled',
        // Browsers already draw password fields as dots; masking also hides their length and any reveal toggle.
        mask: [page.locator('input[type=password]')],
        timeout: this.options.screenshotTimeoutMs ?? 5_000,
      });
      return path;
    } catch {
      return undefined;
    }
  }

  /** The trace up to the first failure (the part worth reading); the unscrubbed zip never enters artifacts/. */
  private async saveTrace(context: BrowserContext): Promise<string | undefined> {
    if (!this.tracing) return undefined;
    this.tracing = false;
    const path = join(this.dir, 'trace.zip');
    let privateDir: string | undefined;
    try {
      privateDir = await mkdtemp(join(tmpdir(), 'prober-trace-'));
      const raw = join(privateDir, 'raw.zip');
      await context.tracing.stop({ path: raw });
      const dir = privateDir;
      this.scrubbing = scrubTraceFile(raw, path, this.options.redactor)
        .catch(() => rm(path, { force: true }))
        .finally(() => rm(dir, { recursive: true, force: true }))
        .catch(() => undefined);
      return path;
    } catch {
      if (privateDir !== undefined) await rm(privateDir, { recursive: true, force: true }).catch(() => undefined);
      return undefined;
    }
  }
}

/**
 * Deletes the prober's own run folders under `dir` older than `maxAgeHours` (by modification time) and returns them.
 * Only folders `isOwnRunFolder` recognises (a run-id name and the prober's marker) are candidates: anything else
 * there (another tool's folders, a user's files, dotfiles) is never touched, whatever its age, because `dir` may be
 * shared or misconfigured and a prober must not lose anyone's data.
 */
export async function pruneArtifacts(dir: string, maxAgeHours: number, now = Date.now()): Promise<string[]> {
  const cutoff = now - maxAgeHours * 3_600_000;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !(await isOwnRunFolder(dir, entry.name))) continue;
    const path = join(dir, entry.name);
    const info = await lstat(path).catch(() => undefined);
    if (info === undefined || info.mtimeMs >= cutoff) continue;
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    removed.push(path);
  }
  return removed;
}
