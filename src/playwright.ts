/**
 * `golden-path-prober/playwright`: an optional fixture for Playwright Test suites the prober runs as journeys. A
 * suite that does not import it runs all the same; importing it gives richer results:
 * - a W3C `traceparent` of the run's trace with a span of its own per test on every request of the page (the
 *   synthetic-traffic tag comes with every suite run, fixture or not);
 * - `prober.step(title, { service }, body)`: a `test.step` whose service is named in the result;
 * - `prober.secret(name)` / `prober.variable(name)` / `prober.target(name)`: the prober config's values;
 * - `prober.fail(category, message)`: a business-level failure in a category of your choice.
 * Outside the prober (a plain `npx playwright test`) it changes nothing and `prober.secret` reads the environment.
 */
import { randomBytes } from 'node:crypto';
import { test as base, expect } from '@playwright/test';

export { expect };

/** Categories a test may choose for a business failure (`prober` and `aborted` are the prober's own). */
export type SuiteFailureCategory =
  | 'timeout'
  | 'network'
  | 'http_status'
  | 'auth'
  | 'contract'
  | 'assertion'
  | 'browser';

export interface ProberFixture {
  /** A `test.step` whose steps' service is `service` in the prober's result (a key of the config's `targets`). */
  step<T>(title: string, options: { service: string }, body: () => T | Promise<T>): Promise<T>;
  /** A secret of the prober config (redacted from every result); outside the prober, the environment variable `name`. */
  secret(name: string): string;
  /** A non-secret value from the prober config's `variables`; outside the prober, the environment variable `name`. */
  variable(name: string): string;
  /** A base URL from the prober config's `targets`, without trailing slash. */
  target(name: string): string;
  /** Fails the test in `category`, as a journey's `ctx.fail` does. */
  fail(category: SuiteFailureCategory, message: string): never;
  /** The prober's run id, or undefined outside the prober. */
  readonly runId: string | undefined;
}

/** The marker `prober.fail` puts at the start of its message; the prober's classifier reads the category from it. */
export const FAILURE_MARK = '[prober:';

function fromJson(name: string): Record<string, string> {
  try {
    const v: unknown = JSON.parse(process.env[name] ?? '{}');
    return typeof v === 'object' && v !== null ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function lookup(kind: string, json: string, name: string): string {
  const value = fromJson(json)[name] ?? process.env[name];
  if (value === undefined)
    throw new Error(`prober.${kind}("${name}"): not in the prober config, nor in the environment`);
  return value;
}

export const test = base.extend<{ prober: ProberFixture }>({
  extraHTTPHeaders: async ({ extraHTTPHeaders }, use) => {
    const traceId = process.env.PROBER_TRACE_ID;
    // The tag only: the browser's own User-Agent stays (sites check it), as without the fixture.
    const tagged = fromJson('PROBER_SUITE_HEADERS');
    if (traceId !== undefined && /^[0-9a-f]{32}$/.test(traceId))
      tagged.traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    await use(Object.keys(tagged).length === 0 ? extraHTTPHeaders : { ...extraHTTPHeaders, ...tagged });
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  prober: async ({}, use, testInfo) => {
    await use({
      step: (title, options, body) => {
        testInfo.annotations.push({ type: 'service', description: `${title}=${options.service}` });
        return base.step(title, body);
      },
      secret: (name) => lookup('secret', 'PROBER_SECRETS', name),
      variable: (name) => lookup('variable', 'PROBER_VARIABLES', name),
      target: (name) => lookup('target', 'PROBER_TARGETS', name).replace(/\/$/, ''),
      fail: (category, message) => {
        throw new Error(`${FAILURE_MARK}${category}] ${message}`);
      },
      runId: process.env.PROBER_RUN_ID,
    });
  },
});
