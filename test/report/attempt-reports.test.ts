import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { combineAttempts } from '../../src/journey/combine-attempts.js';
import { RunResult, type JourneyResult, type StepResult } from '../../src/journey/result-schema.js';
import { renderGithubSummary } from '../../src/report/github-reporter.js';
import { renderHtml } from '../../src/report/html-reporter.js';
import { renderJunit } from '../../src/report/junit-reporter.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function open(
  status: StepResult['status'],
  ms: number,
  shot?: string,
  message = 'the page /login answered HTTP 500',
): StepResult {
  return {
    name: 'web.open',
    service: 'web',
    status,
    startedAt: at(ms),
    durationMs: 10,
    timeoutMs: 5000,
    ...(status === 'fail' ? { error: { category: 'http_status' as const, message, httpStatus: 500 } } : {}),
    ...(shot === undefined ? {} : { artifacts: [shot] }),
  };
}

function attempt(status: 'pass' | 'fail', ms: number, shot: string, message?: string): JourneyResult {
  return {
    journey: 'web',
    description: 'd',
    status,
    startedAt: at(ms),
    durationMs: 10,
    verdict:
      status === 'pass'
        ? 'Users can log in'
        : `Users cannot log in: web step web.open failed (http_status): ${message ?? 'x'}`,
    ...(status === 'fail'
      ? { failure: { step: 'web.open', service: 'web', category: 'http_status' as const, message: message ?? 'x' } }
      : {}),
    steps: [open(status, ms, shot, message)],
  };
}

function run(journey: JourneyResult): RunResult {
  const failed = journey.status === 'fail' ? 1 : 0;
  const flaky = journey.status === 'flaky' ? 1 : 0;
  return RunResult.parse({
    schema: 'prober.run/v1',
    runId: 'r',
    environment: 'e',
    proberVersion: '0',
    startedAt: at(0),
    finishedAt: at(100),
    durationMs: 100,
    status: journey.status,
    summary: { journeys: 1, passed: 0, degraded: 0, flaky, failed, errored: 0 },
    journeys: [journey],
  });
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (n) => ['testcase', 'rerunFailure', 'flakyFailure'].includes(n),
});
type Case = {
  name: string;
  failure?: { message: string };
  rerunFailure?: { message: string; 'system-out'?: string }[];
  flakyFailure?: { message: string; 'system-out'?: string }[];
  'system-out'?: string;
};
const cases = (xml: string) =>
  (parser.parse(xml) as { testsuites: { testsuite: { testcase: Case[] } } }).testsuites.testsuite.testcase;

describe('every attempt of a retried journey is in every report', () => {
  it('never passed: JUnit <failure> for the last attempt and <rerunFailure> for each earlier one, screenshots attached', () => {
    const result = run(
      combineAttempts([
        attempt('fail', 0, '/a/web.open.png', 'first'),
        attempt('fail', 50, '/a/attempt-2/web.open.png', 'second'),
      ]),
    );
    const xml = renderJunit(result);
    expect(XMLValidator.validate(xml)).toBe(true);
    const [tc] = cases(xml);
    expect(tc!.failure?.message).toBe('second');
    expect(tc!.rerunFailure).toHaveLength(1);
    expect(tc!.rerunFailure![0]).toMatchObject({ message: 'first', 'system-out': '[[ATTACHMENT|/a/web.open.png]]' });
    expect(tc!['system-out']).toBe('[[ATTACHMENT|/a/attempt-2/web.open.png]]');
    expect(tc!.flakyFailure).toBeUndefined();
  });

  it('passed on a retry: <flakyFailure>, HTML sections per attempt with each screenshot, GitHub lists each attempt', async () => {
    const result = run(
      combineAttempts([
        attempt('fail', 0, '/a/web.open.png', 'first'),
        attempt('pass', 50, '/a/attempt-2/web.open.png'),
      ]),
    );
    expect(result.journeys[0]!.status).toBe('flaky');
    const [tc] = cases(renderJunit(result));
    expect(tc!.flakyFailure![0]).toMatchObject({ message: 'first', 'system-out': '[[ATTACHMENT|/a/web.open.png]]' });
    expect(tc!.rerunFailure).toBeUndefined();

    const html = await renderHtml(
      result,
      async (path) => `data:image/png;base64,${Buffer.from(path).toString('base64')}`,
    );
    const [earlier, latest] = html.split('<strong>Attempt 2 of 2</strong>');
    expect(earlier).toContain('data-attempt="1"');
    expect(earlier).toContain(Buffer.from('/a/web.open.png').toString('base64'));
    expect(latest).toContain(Buffer.from('/a/attempt-2/web.open.png').toString('base64'));

    const md = renderGithubSummary(result);
    expect(md).toContain('- attempt 1 of 2: ❌ fail');
    expect(md).toContain('`/a/web.open.png`');
    expect(md).toContain('- attempt 2 of 2: ✅ the steps below');
  });
});
