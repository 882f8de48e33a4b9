import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact.js';
import { readZip, scrubTraceEntries, writeZip } from '../../src/steps/browser-trace-scrub.js';

const secret = 'hunter2-canary';
const sha1 = (b: string | Buffer) => createHash('sha1').update(b).digest('hex');
const body = JSON.stringify({ email: 'a@b.test', password: secret });
const bodyName = `resources/${sha1(body)}.json`;
const html = '<html>no secrets</html>';
const htmlName = `resources/${sha1(html)}.html`;

/** A network record shaped as Playwright 1.5x writes it: body in a resource, sizes in HAR fields and headers. */
function record(extra: Record<string, unknown> = {}) {
  return {
    type: 'resource-snapshot',
    snapshot: {
      request: {
        method: 'POST',
        headers: [
          { name: 'Content-Length', value: String(body.length) },
          { name: 'authorization', value: `Bearer ${secret}` },
        ],
        headersSize: 321,
        bodySize: body.length,
        postData: { mimeType: 'application/json', text: '', _file: bodyName },
        ...extra,
      },
      response: {
        headers: [{ name: 'content-length', value: String(html.length) }],
        content: { size: html.length, _file: htmlName },
        headersSize: 99,
        bodySize: html.length,
        _transferSize: 99 + html.length,
      },
    },
  };
}

function scrub(entries: { name: string; data: string }[]) {
  const redactor = new Redactor();
  redactor.add(secret);
  return scrubTraceEntries(
    entries.map((e) => ({ name: e.name, data: Buffer.from(e.data) })),
    redactor,
  );
}

describe('trace scrubbing leaves no hash or size of a secret', () => {
  const out = scrub([
    {
      name: 'trace.network',
      data: `${JSON.stringify(record())}\n${JSON.stringify(record({ postData: { mimeType: 'application/json', text: body } }))}`,
    },
    {
      name: 'trace.trace',
      data: JSON.stringify({
        type: 'frame-snapshot',
        snapshot: { resourceOverrides: [{ url: 'x', sha1: sha1(body) }] },
      }),
    },
    { name: bodyName, data: body },
    { name: htmlName, data: html },
  ]);
  const byName = new Map(out.map((e) => [e.name, e.data.toString('utf8')]));
  const scrubbedBody = JSON.stringify({ email: 'a@b.test', password: '[REDACTED]' });
  const [withFile, inline] = byName
    .get('trace.network')!
    .split('\n')
    .map((l) => JSON.parse(l) as ReturnType<typeof record>);

  it('a changed resource is renamed by the SHA-1 of its scrubbed content, and every reference follows', () => {
    expect([...byName.keys()].sort()).toEqual(
      ['trace.network', 'trace.trace', `resources/${sha1(scrubbedBody)}.json`, htmlName].sort(),
    );
    const all = [...byName.values()].join('\n');
    expect(all).not.toContain(sha1(body));
    expect(all).not.toContain(secret);
    expect(withFile!.snapshot.request.postData._file).toBe(`resources/${sha1(scrubbedBody)}.json`);
    expect(byName.get('trace.trace')).toContain(sha1(scrubbedBody));
  });

  const rows: [what: string, get: () => unknown, expected: unknown][] = [
    ['request bodySize (resource body)', () => withFile!.snapshot.request.bodySize, scrubbedBody.length],
    [
      'request Content-Length (resource body)',
      () => withFile!.snapshot.request.headers[0]!.value,
      String(scrubbedBody.length),
    ],
    ['request headersSize (a header was scrubbed)', () => withFile!.snapshot.request.headersSize, -1],
    ['request bodySize (inline body)', () => inline!.snapshot.request.bodySize, scrubbedBody.length],
    [
      'request Content-Length (inline body)',
      () => inline!.snapshot.request.headers[0]!.value,
      String(scrubbedBody.length),
    ],
    ['untouched response: content.size kept', () => withFile!.snapshot.response.content.size, html.length],
    ['untouched response: _transferSize kept', () => withFile!.snapshot.response._transferSize, 99 + html.length],
  ];
  it.each(rows)('%s', (_what, get, expected) => {
    expect(get()).toEqual(expected);
  });

  it('reads back what it writes (fflate), names and bytes intact', () => {
    const entries = [
      { name: 'a.trace', data: Buffer.from('x\n') },
      { name: 'resources/p.png', data: Buffer.from([0x89, 0x50, 0, 255]) },
    ];
    expect(readZip(writeZip(entries)).map((e) => [e.name, [...e.data]])).toEqual(
      entries.map((e) => [e.name, [...e.data]]),
    );
    expect(() => readZip(Buffer.from('not a zip'))).toThrow();
  });
});
