import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { renderGithubAnnotations, renderGithubSummary } from '../../src/report/github-reporter.js';
import { renderHtml } from '../../src/report/html-reporter.js';
import { renderJunit } from '../../src/report/junit-reporter.js';
import { ROOT } from '../support/cli.js';
import { SAMPLE_RUN, TRICKY } from '../fixtures/sample-results.js';

/**
 * Golden files: review the diff, then regenerate with UPDATE_GOLDEN=1 when a change is intended. A missing golden
 * file is a failure, never written by the check itself, and CI never writes one: a test that writes what it then
 * compares against proves nothing.
 */
function golden(name: string, actual: string): void {
  const path = join(ROOT, 'test/golden', name);
  if (process.env.UPDATE_GOLDEN === '1' && process.env.CI === undefined) writeFileSync(path, actual);
  expect(
    existsSync(path),
    `test/golden/${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/report, review, commit`,
  ).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property', 'flakyFailure'].includes(name),
});

describe('reporters render the same result', () => {
  it('the sample result is a valid prober.run/v1 document', () => {
    expect(() => RunResult.parse(SAMPLE_RUN)).not.toThrow();
  });

  it('JUnit: valid XML with the right counts, categories, skips and flaky attempts; escaping survives', () => {
    const xml = renderJunit(SAMPLE_RUN);
    golden('report.junit.xml', xml);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml) as {
      testsuites: { tests: string; failures: string; skipped: string; testsuite: Record<string, unknown>[] };
    };
    expect([doc.testsuites.tests, doc.testsuites.failures, doc.testsuites.skipped]).toEqual(['9', '1', '1']);
    const [api, web] = doc.testsuites.testsuite as {
      name: string;
      testcase: {
        name: string;
        failure?: { message: string; type: string };
        skipped?: unknown;
        flakyFailure?: { type: string }[];
      }[];
    }[];
    expect(api!.name).toBe('golden-path-api');
    const reply = api!.testcase.find((t) => t.name === 'chat.reply')!;
    expect(reply.failure).toMatchObject({ type: 'assertion', message: TRICKY });
    expect(api!.testcase.find((t) => t.name === 'later.step')!.skipped).toBeDefined();
    expect(web!.testcase.find((t) => t.name === 'auth.token')!.flakyFailure?.[0]?.type).toBe('http_status');
  });

  it('HTML: one self-contained file, every text escaped', async () => {
    const html = await renderHtml(SAMPLE_RUN, async () => undefined);
    golden('report.html', html);
    expect(html).not.toContain('<b>&');
    expect(html).toContain('reply was &lt;b&gt;&amp;&quot;quoted&quot;&#39; — ünïcødé ✓');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('GitHub: a Markdown summary whose table cells cannot be broken, and one annotation per bad journey', () => {
    const md = renderGithubSummary(SAMPLE_RUN);
    golden('report.github.md', md);
    expect(md).toContain('\\| pipe');
    const annotations = renderGithubAnnotations(SAMPLE_RUN).trim().split('\n');
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toMatch(
      /^::error file=probes\/golden-path-api\.ts,line=77,title=golden-path-api%3A fail::Users cannot log in and chat/,
    );
    expect(annotations[1]).toMatch(/^::warning title=golden-path-web%3A flaky::/);
  });
});
