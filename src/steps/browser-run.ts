import { resolve } from 'node:path';
import type { JourneyDefinition } from '../journey/define.js';
import { setupError } from '../config/problems.js';
import type { StepIoFactory } from '../journey/runner.js';
import type { Redactor } from '../redact.js';
import { browserAvailable, INSTALL_HINT, type BrowserSettings } from './browser-launcher.js';
import type { BrowserSession, BrowserSessionOptions } from './browser-session.js';
import { withBrowserPages } from './step-io.js';

/** A journey drives a browser when its definition says so (`needs: { browser: true }`); the rest stay on the API io. */
export function needsBrowser(journey: Pick<JourneyDefinition, 'needs'>): boolean {
  // Defensive: a journey file may export a hand-built definition without `needs`.
  return journey.needs?.browser === true;
}

/**
 * For `prober demo` on a machine without Chromium: drops the browser journeys after telling the user, once, how to
 * get a browser. Only when nothing else is left is that a setup error.
 */
export function dropBrowserJourneysIfNoBrowser(
  selected: JourneyDefinition[],
  settings: Pick<BrowserSettings, 'executablePath'>,
  onMissing: (hint: string) => void,
): JourneyDefinition[] {
  if (!selected.some(needsBrowser) || browserAvailable(settings)) return selected;
  onMissing(`prober: skipping the browser journeys: ${INSTALL_HINT}`);
  const rest = selected.filter((j) => !needsBrowser(j));
  if (rest.length === 0) throw setupError('journeys', 'every selected journey needs a browser', INSTALL_HINT);
  return rest;
}

export interface BrowserRunOptions {
  settings: BrowserSettings;
  runId: string;
  journeys: readonly JourneyDefinition[];
  redactor: Redactor;
  api: StepIoFactory;
  /** A long-lived session (the scheduler's); by default one is made for this run and closed after it. */
  session?: BrowserSession;
  sessionOptions?: BrowserSessionOptions;
}

/**
 * Wraps one run: when any journey needs the browser, prunes old artifacts, makes sure the browser is up and hands
 * `work` an io that opens a fresh context and page for each browser journey run; afterwards closes what is still
 * open and (if it made it) the browser, even on throw.
 * Without browser journeys this is just `work(api)`: API-only runs never start Chromium.
 */
export async function withBrowserRun<T>(
  options: BrowserRunOptions,
  work: (io: StepIoFactory) => Promise<T>,
): Promise<T> {
  const browserJourneys = options.journeys.filter(needsBrowser).map((j) => j.name);
  if (browserJourneys.length === 0) return work(options.api);
  // Loaded only for a run with a browser journey: an API-only cold start should not pay for the artifact
  // scrubber (fflate), the session and the page plumbing.
  const [{ pruneArtifacts }, { BrowserSession }, { openBrowserPages }] = await Promise.all([
    import('./browser-artifacts.js'),
    import('./browser-session.js'),
    import('./browser-step-io.js'),
  ]);
  const settings = { ...options.settings, artifactsDir: resolve(options.settings.artifactsDir) };
  await pruneArtifacts(settings.artifactsDir, settings.artifactRetentionHours);
  const owned = options.session === undefined;
  const session = options.session ?? new BrowserSession(settings, options.sessionOptions);
  try {
    const pages = await openBrowserPages({
      session,
      runId: options.runId,
      journeys: browserJourneys,
      redactor: options.redactor,
      settings,
    });
    try {
      return await work(withBrowserPages(options.api, pages));
    } finally {
      await pages.release();
    }
  } finally {
    if (owned) await session.close();
  }
}
