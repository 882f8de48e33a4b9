import { appendFileSync } from 'node:fs';
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestError,
  TestResult,
  TestStep,
} from '@playwright/test/reporter';

/**
 * The prober's Playwright reporter, loaded by the user's own `playwright test` (`--reporter <this file>,json`). It
 * imports nothing but node:fs, so it runs with whatever Playwright and Node the suite has. Each event is appended as
 * one JSON line to `$PROBER_SUITE_EVENTS` at once (synchronously), so a run killed at its deadline still says which
 * test and step were running. The prober turns these lines into journey results (src/suite/suite-results.ts).
 */

/** Step categories that are steps of a journey (test.step) or can hold the failure (hooks, fixtures). */
const KEPT = new Set(['test.step', 'hook', 'fixture']);

function write(event: Record<string, unknown>): void {
  const file = process.env.PROBER_SUITE_EVENTS;
  if (file === undefined || file === '') return;
  appendFileSync(file, `${JSON.stringify(event)}\n`);
}

function error(e: TestError | undefined): Record<string, unknown> | undefined {
  if (e === undefined) return undefined;
  return {
    message: e.message ?? e.value ?? 'unknown error',
    ...(e.stack === undefined ? {} : { stack: e.stack }),
    ...(e.snippet === undefined ? {} : { snippet: e.snippet }),
    ...(e.location === undefined ? {} : { location: e.location }),
  };
}

/** The titles of the test.step()s from the test down to this step (hooks and fixtures keep their own title). */
function stepPath(step: TestStep): string[] {
  const path: string[] = [];
  for (let s: TestStep | undefined = step; s !== undefined; s = s.parent)
    if (s === step || s.category === 'test.step') path.unshift(s.title);
  return path;
}

/** Titles below the project and the file: describe blocks and the test. */
function titlesOf(test: TestCase): string[] {
  const path = test.titlePath();
  // [root '', project, file, ...describes, title]
  return path.slice(3);
}

function projectOf(test: TestCase): string {
  for (let s: Suite | undefined = test.parent; s !== undefined; s = s.parent) {
    const p = s.project();
    if (p !== undefined) return p.name;
  }
  return '';
}

export default class ProberReporter implements Reporter {
  onBegin(config: FullConfig, suite: Suite): void {
    write({
      type: 'begin',
      version: config.version,
      projects: config.projects.map((p) => ({
        name: p.name,
        dependencies: p.dependencies ?? [],
        teardown: p.teardown,
        baseURL: typeof p.use?.baseURL === 'string' ? p.use.baseURL : undefined,
        testDir: p.testDir,
      })),
      tests: suite.allTests().map((t) => ({
        id: t.id,
        titles: titlesOf(t),
        file: t.location.file,
        line: t.location.line,
        project: projectOf(t),
        tags: t.tags ?? [],
        retries: t.retries,
      })),
    });
  }

  onTestBegin(test: TestCase, result: TestResult): void {
    write({ type: 'test/begin', id: test.id, retry: result.retry, startTime: result.startTime.toISOString() });
  }

  onStepBegin(test: TestCase, result: TestResult, step: TestStep): void {
    if (!KEPT.has(step.category)) return;
    write({
      type: 'step/begin',
      id: test.id,
      retry: result.retry,
      category: step.category,
      path: stepPath(step),
      startTime: step.startTime.toISOString(),
      ...(step.location === undefined ? {} : { location: step.location }),
    });
  }

  onStepEnd(test: TestCase, result: TestResult, step: TestStep): void {
    if (!KEPT.has(step.category)) return;
    write({
      type: 'step/end',
      id: test.id,
      retry: result.retry,
      category: step.category,
      path: stepPath(step),
      duration: step.duration,
      ...(step.error === undefined ? {} : { error: error(step.error) }),
    });
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    write({
      type: 'test/end',
      id: test.id,
      retry: result.retry,
      status: result.status,
      expectedStatus: test.expectedStatus,
      duration: result.duration,
      errors: result.errors.map(error),
      annotations: [...test.annotations, ...((result as { annotations?: TestCase['annotations'] }).annotations ?? [])],
      attachments: result.attachments
        .filter((a) => a.path !== undefined)
        .map((a) => ({ name: a.name, path: a.path, contentType: a.contentType })),
    });
  }

  onError(e: TestError): void {
    write({ type: 'error', error: error(e) });
  }

  onEnd(result: FullResult): void {
    write({ type: 'end', status: result.status });
  }

  printsToStdio(): boolean {
    return false;
  }
}
