import type { Locator, Page, Response } from 'playwright-core';
import type { StepContext, StepFn } from '../journey/define.js';
import { StepFailure } from '../journey/errors.js';
import { translateBrowserError } from './browser-failure.js';
import { safeUrl } from './scope.js';

/** The authoring helpers for steps that drive the journey's page (`probes/golden-path-browser.ts`). */

export type PageStepFn = (page: Page, ctx: StepContext) => Promise<void>;

/**
 * A step body that drives `ctx.page`. Whatever Playwright throws is translated into a contract category before it
 * reaches the runner; after the step's own deadline fired the runner already knows it is a `timeout`.
 */
export function onPage(fn: PageStepFn): StepFn {
  return async (ctx) => {
    const page = ctx.page;
    try {
      await fn(page, ctx);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw await translateBrowserError(err, page);
    }
  };
}

/** Loads a document and fails as `http_status` when it answers ≥ 400: a 500 page is not a page without a form. */
export async function openDocument(page: Page, url: string, signal: AbortSignal): Promise<Response | null> {
  const response = await page.goto(url, { waitUntil: 'domcontentloaded', signal });
  const status = response?.status();
  if (status !== undefined && status >= 400) {
    throw new StepFailure('http_status', `GET ${safeUrl(url)} answered HTTP ${status}`, { httpStatus: status });
  }
  return response;
}

/**
 * Waits until one of `outcomes` is visible and returns its index: "the chat page or the error banner",
 * without leaving the losing wait pending on the page.
 */
export async function firstVisible(outcomes: readonly Locator[], signal: AbortSignal): Promise<number> {
  const [head, ...rest] = outcomes;
  if (head === undefined) throw new RangeError('firstVisible needs at least one locator');
  const any = rest.reduce((acc, l) => acc.or(l), head);
  await any.first().waitFor({ state: 'visible', signal });
  for (const [i, l] of outcomes.entries()) if (await l.first().isVisible()) return i;
  // The winner vanished between the wait and the check (a transient banner): report the first outcome's absence.
  throw new StepFailure('browser', 'the page changed while it was being read');
}

/** Failed API responses the page received while `during` ran: the engineer's evidence behind an error banner. */
export async function collectFailedResponses<T>(page: Page, during: () => Promise<T>): Promise<{ value: T; failed: FailedResponse[] }> {
  const failed: FailedResponse[] = [];
  const onResponse = (res: Response) => {
    if (res.status() >= 400 && res.request().resourceType() !== 'document') {
      failed.push({ method: res.request().method(), url: safeUrl(res.url()), status: res.status() });
    }
  };
  page.on('response', onResponse);
  try {
    return { value: await during(), failed };
  } finally {
    page.off('response', onResponse);
  }
}

export interface FailedResponse {
  method: string;
  /** Origin and path only. */
  url: string;
  status: number;
}

/** The category an API failure behind the UI deserves: a rejected credential is `auth`, anything else `http_status`. */
export function failureForResponse(res: FailedResponse, shown: string): StepFailure {
  const category = res.status === 401 || res.status === 403 ? 'auth' : 'http_status';
  const message = `${res.method} ${res.url} answered HTTP ${res.status}; the page showed "${shown}"`;
  return new StepFailure(category, message, { httpStatus: res.status });
}
