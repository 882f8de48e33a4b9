import type { Browser, BrowserContext } from 'playwright-core';
import { USER_AGENT_TOKEN } from '../version.js';
import { launchChromium, type BrowserSettings, type LaunchOptions } from './browser-launcher.js';
import { withDeadline } from '../journey/with-deadline.js';

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
}

/**
 * One browser per process, launched on first need and shared by every journey run; each run gets a fresh context.
 * A browser that crashed or failed to launch is launched again on the next run, so one bad run stays one bad run.
 */
export class BrowserSession {
  private launched: Promise<Launched> | undefined;
  private closing = false;

  constructor(
    readonly settings: BrowserSettings,
    private readonly options: BrowserSessionOptions = {},
  ) {}

  /** Resolves to the shared browser; rejects with a `prober` StepFailure when Chromium will not start. */
  async browser(): Promise<Launched> {
    if (this.closing) throw new Error('the browser session is closed');
    if (this.launched === undefined) {
      const attempt = this.launch();
      this.launched = attempt;
      const forget = () => {
        if (this.launched === attempt) this.launched = undefined;
      };
      attempt.then((l) => l.browser.once('disconnected', forget), forget);
    }
    return this.launched;
  }

  /** A fresh, isolated context for one journey run, tagged as synthetic traffic. */
  async newContext(run: { runId: string }): Promise<BrowserContext> {
    const { browser, userAgent } = await this.browser();
    return browser.newContext({
      userAgent: `${userAgent} ${USER_AGENT_TOKEN}`,
      extraHTTPHeaders: { 'x-synthetic-probe': run.runId },
      viewport: { width: 1280, height: 800 },
      serviceWorkers: 'block',
    });
  }

  /** Whether a browser is up right now (for metrics and tests). */
  get connected(): boolean {
    return this.launched !== undefined;
  }

  /** Closes the browser (and every context still open). Idempotent, bounded, never throws. */
  async close(): Promise<void> {
    this.closing = true;
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
