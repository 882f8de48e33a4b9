import { describe, expect, it } from 'vitest';
import { browserAvailable, INSTALL_HINT } from '../../src/steps/browser-launcher.js';

/** Whether this machine can run the browser tests (the same lookup the prober does: Playwright's, then Debian's). */
export const BROWSER_AVAILABLE = browserAvailable({ executablePath: undefined });

/**
 * `describe` for tests that need a real Chromium. Locally without one they are skipped; on CI (`CI` set) they run
 * and fail, and a first test says why, so a CI image that lost its browser can never pass by skipping.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  if (!BROWSER_AVAILABLE && process.env.CI === undefined) {
    describe.skip(name, body);
    return;
  }
  describe(name, () => {
    it('has a Chromium to drive', () => {
      expect(BROWSER_AVAILABLE, INSTALL_HINT).toBe(true);
    });
    body();
  });
}
