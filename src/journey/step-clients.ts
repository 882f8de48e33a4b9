import type { Readable } from 'node:stream';
import type { ZodType } from 'zod';

/**
 * The client interfaces of the built-in step kinds: what a probe sees as `ctx.http`, `ctx.ws` and `ctx.sse`.
 * The core owns these contracts; the adapters in `src/steps/` implement them.
 */

export type ExpectedStatus = number | readonly number[] | '2xx' | 'any';

/** A query or form value: repeated keys are arrays. */
export type ParamValue = string | number | boolean | readonly (string | number | boolean)[];

/**
 * Options of one request. Checked when the journey runs: an unknown option, a wrong type, two bodies or two kinds of
 * credentials fail the step as `prober` (the probe's bug), never silently send a different request.
 */
export interface HttpRequestOptions {
  headers?: Record<string, string>;
  /** Serialised as JSON with `content-type: application/json`. */
  json?: unknown;
  body?: string;
  /** Sent as `application/x-www-form-urlencoded` (an OAuth2 token request, an HTML login form). */
  form?: Record<string, ParamValue>;
  /** Appended to the URL's query string (undefined values are left out). Never recorded in evidence. */
  query?: Record<string, ParamValue | undefined>;
  /** Sent as `Authorization: Bearer …`; the token is registered for redaction. */
  bearer?: string;
  /** Sent as `Authorization: Basic …` (OAuth2 client credentials); username, password and header are redacted. */
  basic?: { username: string; password: string };
  /**
   * Statuses that count as success; anything else fails the step (401/403 as `auth`), quoting the server's reason
   * (`WWW-Authenticate` error, a JSON body's `error` / `error_description` / `message` / `detail`). Default `2xx`.
   * With `redirect: 'follow'` it applies to the response at the end of the chain.
   */
  expect?: ExpectedStatus;
  /**
   * `'follow'`: follow 301/302/303/307/308 redirects as a browser does (303, and 301/302 after a POST, become a GET;
   * `Authorization` is dropped on a cross-origin hop), with the journey's cookie jar on every hop and each hop in
   * the step's evidence. A loop or more than `maxRedirects` hops fails as `contract`. Default `'manual'`: a 3xx is
   * the response.
   */
  redirect?: 'manual' | 'follow';
  /** With `redirect: 'follow'`: most hops followed. Default 10. */
  maxRedirects?: number;
  /**
   * With `redirect: 'follow'`: a URL prefix (an OAuth2 redirect_uri) where the chain ends without fetching it; the
   * response is the redirect that pointed there, with `stoppedAt` holding that URL and its query. Credential values
   * in it (`code`, `state`, tokens) are redacted from then on.
   */
  stopAt?: string;
}

/** Where a redirect chain ended at `stopAt`: the location, not fetched, and its query (and fragment) parameters. */
export interface StoppedAt {
  readonly url: string;
  readonly query: Readonly<Record<string, string>>;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly requestId: string | undefined;
  /** The URL this response came from: after `redirect: 'follow'`, the end of the chain. */
  readonly url: string;
  /** Set when a followed chain reached `stopAt` (this response is then the redirect that pointed there). */
  readonly stoppedAt?: StoppedAt;
  /** The body as text, read under the step deadline and the body size cap. */
  text(): Promise<string>;
  /** The body parsed as JSON and validated; a bad body fails the step as `contract`. */
  json<T>(schema: ZodType<T>): Promise<T>;
  /** The raw body for streaming reads (SSE); the caller owns it and its size cap. */
  stream(): Readable;
  /**
   * An HTML form of this page, read with a real HTML parser: by CSS selector (a string or `{ selector }`), `{ id }`,
   * or `{ containing: 'password' }` (the form with that field); with none, the only form or the login form. Its
   * action is resolved against this response's URL. No such form fails the step as `contract`, listing the forms.
   */
  form(pick?: FormPick | string): Promise<HtmlForm>;
}

/** Which form of a page: by CSS selector, by id, or by a field it contains. */
export interface FormPick {
  selector?: string;
  id?: string;
  containing?: string;
}

/**
 * How the application says a login failed. Each found becomes `auth` with its words. By default a form with a
 * password field checks `formReturns` and, on a redirect, an `error` parameter.
 */
export interface LoginFailedWhen {
  /** The login form is on the answer page again (a wrong password re-rendered with HTTP 200). */
  formReturns?: boolean;
  /** A query parameter on the redirect (or at `stopAt`) that means failure, with `<param>_description`. Default `error`. */
  param?: string;
  /** A text (or pattern) on the answer page: `'Invalid username or password'`. */
  text?: string | RegExp;
  /** An element on the answer page whose text is the application's reason: `'.alert-error'`. */
  selector?: string;
}

export interface FormSubmitOptions extends Pick<HttpRequestOptions, 'headers' | 'expect' | 'maxRedirects' | 'stopAt'> {
  /** Redirects after the submit. Default `'follow'`, as a browser does. */
  redirect?: 'manual' | 'follow';
  /** The submit button pressed, by name or value (a consent page's `deny`). Default: the first named one. */
  submitter?: string;
  /** How a failed login shows (see `LoginFailedWhen`); `false` turns the default checks off. */
  loginFailed?: LoginFailedWhen | false;
}

/** A form read from a page, ready to submit with its hidden fields (CSRF tokens) kept. */
export interface HtmlForm {
  /** Where it submits, resolved against the page's URL. */
  readonly action: string;
  readonly method: 'GET' | 'POST';
  /** The names of its fields, which `submit` may fill. */
  readonly fields: readonly string[];
  /** A field's current value (a hidden field's token). */
  value(name: string): string | undefined;
  /**
   * Submits with `fill` applied, following redirects. A name the form lacks fails as `contract`, listing its fields;
   * a failed login (see `loginFailed`) as `auth` in the application's words.
   */
  submit(fill?: Readonly<Record<string, string>>, options?: FormSubmitOptions): Promise<HttpResponse>;
}

export interface HttpClient {
  request(method: string, url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  get(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  post(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  delete(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
}

export interface WaitOptions {
  /** Cancels the wait; defaults to the current step's signal (its deadline). */
  signal?: AbortSignal;
  /** A shorter bound than the step deadline; when it passes the step fails as `timeout`. */
  timeoutMs?: number;
  /** Names what is awaited, for the timeout message ("agent_completed for our nonce"). */
  describe?: string;
}

/**
 * How a WebSocket connection turns frames into messages: `json` (the default: text frames parsed as JSON),
 * `text` (each text frame as a string), `binary` (every frame as a Buffer), or your own parser, called with the frame
 * and whether it was binary. A parser's throw fails the waiting step as `contract` naming the frame's size, never its
 * content; returning `undefined` drops the frame (a keepalive).
 */
export type WsFrames = 'json' | 'text' | 'binary' | ((data: Buffer, isBinary: boolean) => unknown);

/** The message type a framing delivers. */
export type FrameOf<F extends WsFrames> = F extends 'text'
  ? string
  : F extends 'binary'
    ? Buffer
    : F extends (data: Buffer, isBinary: boolean) => infer T
      ? Exclude<T, undefined>
      : unknown;

export interface WsConnectOptions<F extends WsFrames = WsFrames> {
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer …` on the upgrade request; registered for redaction. */
  bearer?: string;
  /** Offered in `Sec-WebSocket-Protocol`; the server's choice is `connection.protocol`. */
  protocols?: string[];
  /** @defaultValue 'json' */
  frames?: F;
}

export interface WsConnection<M = unknown> {
  /**
   * With `frames: 'json'`, sends any value as a JSON text frame. With any other framing, a string is sent unchanged
   * as a text frame and a Buffer (or Uint8Array) as a binary frame.
   */
  send(message: unknown): void;
  /**
   * Waits for the first message matching `predicate`, under the current step's deadline (or `options`). Sees every
   * message not yet consumed by an earlier wait, including those that arrived before it started; concurrent waits
   * each see every message from their start, in order (`Promise.all` and `Promise.race` both work).
   */
  waitFor<T extends M = M>(predicate: (message: T, receivedAt: number) => boolean, options?: WaitOptions): Promise<T>;
  /**
   * Waits for the first message that `schema` accepts (and `predicate`, if given, keeps), and returns it as the
   * schema parsed it, typed: `const done = await ws.waitFor(Completed, (m) => m.nonce === nonce)`. Messages the
   * schema refuses are skipped, not failures: a chat stream interleaves many kinds of event.
   */
  waitFor<T>(
    schema: ZodType<T>,
    predicate?: (message: T, receivedAt: number) => boolean,
    options?: WaitOptions,
  ): Promise<T>;
  /** Every message received so far. */
  readonly messages: readonly M[];
  /** The subprotocol the server chose ('' when none). */
  readonly protocol: string;
  close(): Promise<void>;
}

export interface WsClient {
  connect(url: string, options?: WsConnectOptions<'json'>): Promise<WsConnection<unknown>>;
  connect(url: string, options: WsConnectOptions<'text'> & { frames: 'text' }): Promise<WsConnection<string>>;
  connect(url: string, options: WsConnectOptions<'binary'> & { frames: 'binary' }): Promise<WsConnection<Buffer>>;
  connect<T>(
    url: string,
    options: WsConnectOptions & { frames: (data: Buffer, isBinary: boolean) => T | undefined },
  ): Promise<WsConnection<T>>;
}

export interface SseEvent<T = unknown> {
  event: string;
  /** `data` parsed as JSON when it is JSON, else the raw string. */
  data: T;
  id?: string;
}

export interface SseStream {
  waitFor<T = unknown>(predicate: (event: SseEvent<T>) => boolean, options?: WaitOptions): Promise<SseEvent<T>>;
  readonly events: readonly SseEvent[];
}

export interface SseClient {
  /** Opens a `text/event-stream` response (GET, or POST with `json`) and reads it event by event in the background. */
  open(url: string, options?: HttpRequestOptions & { method?: string }): Promise<SseStream>;
}
