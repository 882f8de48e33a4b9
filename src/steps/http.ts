import { performance } from 'node:perf_hooks';
import { finished, type Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import { StepFailure } from '../journey/errors.js';
import type { ExpectedStatus, HttpClient, HttpRequestOptions, HttpResponse } from '../journey/step-clients.js';
import type { HttpEvidence } from '../journey/result-schema.js';
import type { StepKind, StepScope } from '../journey/step-ports.js';
import type { CookieJar } from 'tough-cookie';
import { cookieHeader, journeyCookies, storeCookies } from './cookie-jar.js';
import { journeyPool, RequestTag } from './http-pool.js';
import { checkOptions, HttpOptionsSchema } from './request-options.js';
import { readForm } from './form-read.js';
import { htmlForm } from './form-submit.js';
import { followRedirects } from './redirect-follow.js';
import { shownHopUrl } from './redirect-url.js';
import { parseWith, statusFailure } from './response-checks.js';
import { readReasonBody, serverReason } from './server-reason.js';
import { refuseDeclaredOverCap } from './body-limit.js';
import { remainingMs, safeUrl } from './scope.js';

export type { ExpectedStatus, HttpClient, HttpRequestOptions, HttpResponse } from '../journey/step-clients.js';

/** `ctx.http`: undici, over the journey run's own connection pool. */
export const httpKind: StepKind<'http'> = {
  name: 'http',
  forJourney: (resources, settings) => (scope) =>
    createHttpClient(scope, journeyPool(resources, settings.tlsFor), journeyCookies(resources)),
};

/** Builds the request headers every adapter sends: tagging, auth and body type. */
export function requestHeaders(
  scope: StepScope,
  options: Pick<HttpRequestOptions, 'headers' | 'bearer' | 'basic' | 'json' | 'form'>,
): Record<string, string> {
  const headers: Record<string, string> = { ...scope.tagHeaders(), ...options.headers };
  if (options.bearer !== undefined) {
    scope.markSecret(options.bearer);
    headers.authorization = `Bearer ${options.bearer}`;
  }
  if (options.basic !== undefined) {
    const { username, password } = options.basic;
    const encoded = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    for (const secret of [username, password, encoded]) scope.markSecret(secret);
    headers.authorization = `Basic ${encoded}`;
  }
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (options.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return headers;
}

/** `url` with `query` appended; arrays become repeated keys. */
export function withQuery(url: string, query: HttpRequestOptions['query']): string {
  if (query === undefined) return url;
  const u = new URL(url);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) u.searchParams.append(key, String(v));
  }
  return u.toString();
}

function encodeForm(form: NonNullable<HttpRequestOptions['form']>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form))
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  return params.toString();
}

export function statusMatches(status: number, expect: ExpectedStatus = '2xx'): boolean {
  if (expect === 'any') return true;
  if (expect === '2xx') return status >= 200 && status < 300;
  return typeof expect === 'number' ? status === expect : expect.includes(status);
}

/**
 * Requests over the journey run's pool (`journeyPool`): connect time is evidence for the request that opened a
 * connection, a reused one says so; every undici timeout is derived from the step deadline (undici's own defaults
 * are 300 s).
 */
export function createHttpClient(scope: StepScope, pool: Dispatcher, jar?: CookieJar): HttpClient {
  const client: HttpClient = {
    request: (method, url, o) => send(via, method, url, o, `ctx.http.request(${JSON.stringify(method)})`),
    get: (url, o) => send(via, 'GET', url, o, 'ctx.http.get()'),
    post: (url, o) => send(via, 'POST', url, o, 'ctx.http.post()'),
    delete: (url, o) => send(via, 'DELETE', url, o, 'ctx.http.delete()'),
  };
  // The client itself too: a form read from a response is submitted through it.
  const via: Via = { scope, pool, jar, client };
  return client;
}

/** What one step's requests go through: its scope (deadline, evidence, secrets), the journey's pool and cookies. */
interface Via {
  scope: StepScope;
  pool: Dispatcher;
  jar: CookieJar | undefined;
  client: HttpClient;
}

async function send(
  via: Via,
  method: string,
  target: string,
  given: HttpRequestOptions | undefined,
  call: string,
): Promise<HttpResponse> {
  const options = checkOptions(HttpOptionsSchema, given, call);
  const url = withQuery(target, options.query);
  if (options.redirect !== 'follow') return sendOne(via, method, url, options, false);
  const hop = (m: string, u: string, o: HttpRequestOptions, inChain: boolean) => sendOne(via, m, u, o, inChain);
  const res = await followRedirects({ method, url, options, hop, markSecret: via.scope.markSecret });
  if (res.stoppedAt !== undefined || statusMatches(res.status, options.expect)) return res;
  const reason = serverReason(res.headers, await readReasonBody(res.stream()));
  throw statusFailure(res.status, `${method} ${shownHopUrl(res.url)}`, options.expect, reason);
}

/** One request; in a redirect chain (`inChain`) its status is the chain's business and its URL shows the query. */
async function sendOne(
  via: Via,
  method: string,
  url: string,
  options: HttpRequestOptions,
  inChain: boolean,
): Promise<HttpResponse> {
  const { scope } = via;
  const started = performance.now();
  const budget = remainingMs(scope);
  const tag = new RequestTag(scope.deadline);
  const shownUrl = inChain ? shownHopUrl(url) : safeUrl(url);
  const headers = requestHeaders(scope, options);
  const pending = cookieHeader(via.jar, url, headers.cookie);
  const cookie = pending instanceof Promise ? await pending : pending;
  if (cookie !== undefined) headers.cookie = cookie;
  const body = requestBody(options);
  let res: UndiciResponse;
  try {
    res = await request(url, {
      method: method as 'GET',
      headers,
      body,
      // The step's deadline itself, which undici accepts as an EventTarget: no AbortSignal made per step.
      signal: scope.abort as unknown as AbortSignal,
      dispatcher: via.pool,
      opaque: tag,
      headersTimeout: budget,
      bodyTimeout: budget,
    });
  } catch (err) {
    const connect = tag.connect();
    const failed = { method, url: shownUrl } as HttpEvidence;
    if (connect.reused) failed.reused = true;
    failed.timings = connect.connectMs === undefined ? {} : { connectMs: connect.connectMs };
    scope.recordHttp(failed);
    throw err;
  }
  const headersMs = performance.now() - started;
  const connect = tag.connect();
  const requestId = headerValue(res.headers['x-request-id']);
  const stored = storeCookies(via.jar, url, res.headers['set-cookie'], scope.markSecret);
  if (stored !== undefined) await stored;
  // Recorded as soon as the headers arrive, so a request whose body is never read (a DELETE → 204) is evidence
  // too; reading the body later adds its time to the same entry.
  // Built by assignment in the schema's key order, not by spreads: every request of every run passes here.
  const timings: Record<string, number> =
    connect.connectMs === undefined ? { headersMs } : { connectMs: connect.connectMs, headersMs };
  const entry = { method, url: shownUrl, status: res.statusCode } as HttpEvidence;
  if (requestId !== undefined) entry.requestId = requestId;
  if (connect.reused) entry.reused = true;
  entry.timings = timings;
  scope.recordHttp(entry);

  if (!inChain && !statusMatches(res.statusCode, options.expect)) {
    // The server's reason from the first bytes of the body (bounded by the step's deadline); the rest is dropped.
    const reason = serverReason(res.headers, await readReasonBody(res.body));
    throw statusFailure(res.statusCode, `${method} ${shownUrl}`, options.expect, reason);
  }
  return responseOf(via, res, url, requestId, () => {
    timings.bodyMs = performance.now() - started - headersMs;
  });
}

function requestBody(options: HttpRequestOptions): string | undefined {
  if (options.json !== undefined) return JSON.stringify(options.json);
  return options.form !== undefined ? encodeForm(options.form) : options.body;
}

type UndiciResponse = Awaited<ReturnType<typeof request>>;

/** The response a step sees: its body read once, capped at the step's limit, when a reader first asks for it. */
function responseOf(
  via: Via,
  res: UndiciResponse,
  url: string,
  requestId: string | undefined,
  bodyRead: () => void,
): HttpResponse {
  const { scope } = via;
  let cached: Promise<string> | undefined;
  const text = () =>
    (cached ??= (refuseDeclaredOverCap(res, scope.maxBodyBytes) ?? readCapped(res.body, scope.maxBodyBytes)).then(
      (t) => {
        bodyRead();
        return t;
      },
    ));
  return {
    status: res.statusCode,
    headers: res.headers,
    requestId,
    url,
    text,
    json: async <T>(schema: ZodType<T>) => {
      const value = parseWith(schema, await text(), headerValue(res.headers['content-type']));
      markTokenFields(scope, value);
      return value;
    },
    // The connection stays with the stream until it ends or the journey run's pool is destroyed.
    stream: () => res.body,
    form: async (pick) => htmlForm(await readForm(await text(), url, pick), via.client, scope.markSecret),
  };
}

/**
 * The body as text, refused past `cap` bytes. Read through events, not `for await`: the async iterator costs every
 * request a few promise turns and allocations; `finished` reports the same stream errors it would throw.
 */
function readCapped(body: Readable, cap: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= cap) chunks.push(chunk);
      else {
        reject(new StepFailure('contract', `response body exceeded the ${cap}-byte cap`));
        body.destroy();
      }
    });
    finished(body, (err) => (err ? reject(err) : resolve(Buffer.concat(chunks).toString('utf8'))));
  });
}

export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

const CREDENTIAL_KEY = /token|secret|password|passwd|api[_-]?key|cookie|credential/i;

/** A safety net for probes that forget `ctx.markSecret`: string fields named like credentials are redacted. */
export function markTokenFields(scope: Pick<StepScope, 'markSecret'>, value: unknown, depth = 0): void {
  if (depth > 6 || value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && CREDENTIAL_KEY.test(key)) scope.markSecret(v);
    else markTokenFields(scope, v, depth + 1);
  }
}
