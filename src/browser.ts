/**
 * `golden-path-prober/browser`: optional helpers for journeys that drive `ctx.page` (declare `needs: { browser: true }`).
 * A plain `ctx.page` step needs none of them; the prober classifies Playwright's errors in any step that uses the page.
 */
export {
  collectFailedResponses,
  failureForResponse,
  firstVisible,
  onPage,
  openDocument,
} from './steps/browser-page.js';
export type { FailedResponse, PageStepFn } from './steps/browser-page.js';
export type { Locator, Page, Response } from 'playwright-core';
