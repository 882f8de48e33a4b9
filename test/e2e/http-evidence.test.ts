import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, step } from '../../src/journey/define.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { runInProcess } from '../support/in-process.js';

// A real HTTP server on loopback: each path answers one way, with an x-request-id the evidence must keep.
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('x-request-id', `req-${req.method}-${req.url}`);
    if (req.method === 'DELETE') {
      res.statusCode = 204;
      return res.end();
    }
    if (req.url === '/created') {
      res.statusCode = 201;
      return res.end('{"id":1}');
    }
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('every HTTP request is evidence, read or not', () => {
  it('a DELETE → 204 whose body is never read, a POST read later, and a status mismatch each leave an entry', async () => {
    const j = journey({
      name: 'evidence',
      description: 'd',
      capability: 'c',
      steps: [
        step('delete', { service: 'svc' }, async (ctx) => {
          await ctx.http.delete(`${ctx.target('svc')}/sessions/42`, { expect: 204 });
        }),
        step('read', { service: 'svc' }, async (ctx) => {
          const res = await ctx.http.get(`${ctx.target('svc')}/ok`);
          await res.text();
        }),
        step('mismatch', { service: 'svc' }, async (ctx) => {
          await ctx.http.post(`${ctx.target('svc')}/created`, { json: {}, expect: [200] });
        }),
      ],
    });
    const result = RunResult.parse(await runInProcess([j], { svc: base }));
    const [del, read, mismatch] = result.journeys[0]!.steps;
    expect(del).toMatchObject({
      status: 'pass',
      evidence: { requestIds: ['req-DELETE-/sessions/42'], http: [{ method: 'DELETE', status: 204 }] },
    });
    expect(Object.keys(del!.evidence!.http![0]!.timings)).toContain('headersMs');
    expect(read!.evidence!.http).toHaveLength(1);
    expect(Object.keys(read!.evidence!.http![0]!.timings)).toEqual(expect.arrayContaining(['headersMs', 'bodyMs']));
    expect(mismatch).toMatchObject({
      status: 'fail',
      error: {
        category: 'http_status',
        httpStatus: 201,
        message: `POST ${base}/created returned HTTP 201, expected 200`,
      },
      evidence: { http: [{ method: 'POST', status: 201 }] },
    });
  });
});
