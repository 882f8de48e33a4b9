import type { Locator, Page, Response } from 'playwright-core';
import type { StepContext, StepFn } from '../journey/define.js';
import { StepFailure } from '../journey/errors.js';
import { safeUrl } from './scope.js';

/**
 * Optional authoring helpers for steps that drive the journey's page (`golden-path-prober/browser`). None of them
 * is needed for a truthful verdict: the runner's browser adapter reads whatever Playwright throws in any step that
 * uses `ctx.page` (src/steps/browser-failure.ts). They make a probe shorter or its messages sharper.
 */

export type PageStepFn = (page: Page, ctx: StepContext) => Promise<void>;

/** A step body that receives the journey's page as its first argument: `onPage(async (page, ctx) => …)`. */
export function onPage(fn: PageStepFn): StepFn {
  return async (ctx) => fn(ctx.page, ctx);
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
 * Waits until one of `outcomes` is visible and returns its index: "the chat page or the error banner", without
 * leaving the losing wait pending on the page. It waits for an *answer* from the system, so it waits as long as the
 * step's deadline allows (no Playwright timeout of its own): when neither outcome appears, the step fails as
 * `timeout`, not as a missing element.
 */
export async function firstVisible(outcomes: readonly Locator[], signal: AbortSignal): Promise<number> {
  const [head, ...rest] = outcomes;
  if (head === undefined) throw new RangeError('firstVisible needs at least one locator');
  const any = rest.reduce((acc, l) => acc.or(l), head);
  await any.first().waitFor({ state: 'visible', signal, timeout: 0 });
  for (const [i, l] of outcomes.entries()) if (await l.first().isVisible()) return i;
  // The winner vanished between the wait and the check (a transient banner): report the first outcome's absence.
  throw new StepFailure('browser', 'the page changed while it was being read');
}

/** Failed API responses the page received while `during` ran: the engineer's evidence behind an error banner. */
export async function collectFailedResponses<T>(
  page: Page,
  during: () => Promise<T>,
): Promise<{ value: T; failed: FailedResponse[] }> {
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
