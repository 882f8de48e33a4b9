import type { StepScope } from '../journey/step-ports.js';

/** The ports moved to the core; re-exported for the adapters that still import them from here. */
export type { JourneyResources, StepScope } from '../journey/step-ports.js';

export function remainingMs(scope: Pick<StepScope, 'deadline'>): number {
  return Math.max(1, scope.deadline - Date.now());
}

/** Origin and path only: query strings may carry tokens. */
export function safeUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
