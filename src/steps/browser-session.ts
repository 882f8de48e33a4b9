import { availableParallelism } from 'node:os';
import type { Browser, BrowserContext } from 'playwright-core';
import type { JourneyDefinition } from '../journey/define.js';
import { USER_AGENT_TOKEN } from '../version.js';
import { launchChromium, type BrowserSettings, type LaunchOptions } from './browser-launcher.js';
import { withDeadline } from '../journey/with-deadline.js';
import { ContextSlots } from './browser-slots.js';

interface Launched {
  browser: Browser;
  /** Chromium's own user agent; ours is appended so the product sees a real browser that says it is a probe. */
  userAgent: string;
}

export type Launcher = (settings: BrowserSettings, options: LaunchOptions) => Promise<Browser>;

export interface BrowserSessionOptions extends LaunchOptions {
  /** Injected for tests and benchmarks; default launches Chromium with `launchChromium`. */
  launch?: Launcher;
  /** Bound on `close()`: a wedged Chromium must not hold the prober's shutdown. */
  closeTimeoutMs?: number;
  /** A run waited this long for a free context (the limit was reached): the daemon counts it as tick lag. */
  onContextWait?: (waitedMs: number) => void;
}

/**
 * Contexts open at once in one process when the config does not say: two per core. Measured on 2 cores: K = 1, 2,
 * 4 and 8 parallel journeys cost 1.06–1.14x a bare Playwright script, with the knee at 4; beyond it every run slows.
 */
export function defaultMaxContexts(cores: number = availableParallelism()): number {
  return Math.max(1, 2 * cores);
}

/** After a crash, the browser is launched again this long after it went away (never in a tight loop). */
const RELAUNCH_DELAY_MS = 1_000;

/**
 * One browser per process, launched on first need and shared by every journey run; each run gets a fresh context.
 * A browser that crashed or failed to launch is launched again on the next run, so one bad run stays one bad run.
 */
export class BrowserSession {
  private launched: Promise<Launched> | undefined;
  private closing = false;
  private warm = false;
  private relaunch: NodeJS.Timeout | undefined;
  private readonly slots: ContextSlots;

  constructor(
    readonly settings: BrowserSettings,
    private readonly options: BrowserSessionOptions = {},
  ) {
    this.slots = new ContextSlots(settings.maxContexts ?? defaultMaxContexts());
  }

  /**
   * For a long-lived process (the daemon): launch now, outside any journey's time, and again whenever the browser
   * goes away (a crash), so no run waits for Chromium to start. A launch that fails is tried again by the next run.
   */
  keepWarm(): void {
    this.warm = true;
    void this.browser().catch(() => undefined);
  }

  /** Runs waiting for a context right now (the limit was reached). */
  get queued(): number {
    return this.slots.waiting;
  }

  /** Resolves to the shared browser; rejects with a `prober` StepFailure when Chromium will not start. */
  async browser(): Promise<Launched> {
    if (this.closing) throw new Error('the browser session is closed');
    if (this.launched === undefined) {
      const attempt = this.launch();
      this.launched = attempt;
      const forget = () => {
        if (this.launched === attempt) this.launched = undefined;
      };
      const gone = () => {
        forget();
        if (this.warm && !this.closing) this.scheduleRelaunch();
      };
      attempt.then((l) => l.browser.once('disconnected', gone), forget);
    }
    return this.launched;
  }

  /**
   * A fresh, isolated context for one journey run, tagged as synthetic traffic. At most `maxContexts` are open at
   * once; a run beyond that waits here, before its journey's clock starts (the runner opens contexts first), so the
   * wait is the scheduler's lag, never the service's latency.
   */
  async newContext(run: { runId: string }): Promise<BrowserContext> {
    const waitedMs = await this.slots.acquire();
    if (waitedMs > 0) this.options.onContextWait?.(waitedMs);
    try {
      const { browser, userAgent } = await this.browser();
      const context = await browser.newContext({
        userAgent: `${userAgent} ${USER_AGENT_TOKEN}`,
        extraHTTPHeaders: { 'x-synthetic-probe': run.runId },
        viewport: { width: 1280, height: 800 },
        serviceWorkers: 'block',
      });
      // 'close' also fires when the browser goes away, so a crash frees its slots.
      context.once('close', () => this.slots.release());
      return context;
    } catch (err) {
      this.slots.release();
      throw err;
    }
  }

  /** Whether a browser is up right now (for metrics and tests). */
  get connected(): boolean {
    return this.launched !== undefined;
  }

  /** Closes the browser (and every context still open). Idempotent, bounded, never throws. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.relaunch);
    const pending = this.launched;
    this.launched = undefined;
    if (pending === undefined) return;
    const launched = await pending.catch(() => undefined);
    if (launched === undefined) return;
    // If the graceful close hangs, Playwright still kills the browser's process group when this process exits.
    await withDeadline(
      launched.browser.close().catch(() => undefined),
      this.options.closeTimeoutMs ?? 10_000,
      () => undefined,
    );
  }

  private scheduleRelaunch(): void {
    clearTimeout(this.relaunch);
    this.relaunch = setTimeout(() => {
      if (!this.closing && this.launched === undefined) void this.browser().catch(() => undefined);
    }, RELAUNCH_DELAY_MS);
    this.relaunch.unref();
  }

  private async launch(): Promise<Launched> {
    const launch = this.options.launch ?? launchChromium;
    const browser = await launch(this.settings, {
      ...(this.options.env === undefined ? {} : { env: this.options.env }),
      ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
    });
    try {
      const cdp = await browser.newBrowserCDPSession();
      const version = (await cdp.send('Browser.getVersion')) as { userAgent: string };
      await cdp.detach();
      return { browser, userAgent: version.userAgent };
    } catch (err) {
      await browser.close().catch(() => undefined);
      throw err;
    }
  }
}

/**
 * The daemon's one browser: launched at start-up when a scheduled journey needs it (and again after a crash), so
 * the first run of each journey is judged like every other; a run that waits for a context reports the wait.
 */
export function daemonBrowserSession(
  settings: BrowserSettings,
  journeys: readonly Pick<JourneyDefinition, 'needs'>[],
  onContextWait: (waitedMs: number) => void,
): BrowserSession {
  const session = new BrowserSession(settings, { onContextWait });
  // The same test as browser-run.ts's needsBrowser (not imported: that module imports this one).
  if (journeys.some((j) => j.needs?.browser === true)) session.keepWarm();
  return session;
}
