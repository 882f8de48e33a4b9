import type { Readable } from 'node:stream';
import type { ZodType } from 'zod';

/**
 * The client interfaces of the built-in step kinds: what a probe sees as `ctx.http`, `ctx.ws` and `ctx.sse`.
 * The core owns these contracts; the adapters in `src/steps/` implement them.
 */

export type ExpectedStatus = number | readonly number[] | '2xx' | 'any';

export interface HttpRequestOptions {
  headers?: Record<string, string>;
  /** Serialised as JSON with `content-type: application/json`. */
  json?: unknown;
  body?: string;
  /** Sent as `Authorization: Bearer …`; the token is registered for redaction. */
  bearer?: string;
  /** Statuses that count as success; anything else fails the step (401/403 as `auth`). Default `2xx`. */
  expect?: ExpectedStatus;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly requestId: string | undefined;
  /** The body as text, read under the step deadline and the body size cap. */
  text(): Promise<string>;
  /** The body parsed as JSON and validated; a bad body fails the step as `contract`. */
  json<T>(schema: ZodType<T>): Promise<T>;
  /** The raw body for streaming reads (SSE); the caller owns it and its size cap. */
  stream(): Readable;
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

export interface WsConnectOptions {
  headers?: Record<string, string>;
  bearer?: string;
  protocols?: string[];
}

export interface WsConnection {
  /** Sends a value as a JSON text frame. */
  send(message: unknown): void;
  /** Waits for the first message (parsed JSON) matching `predicate`; a non-JSON or binary frame fails as `contract`. */
  waitFor<T = unknown>(predicate: (message: T, receivedAt: number) => boolean, options?: WaitOptions): Promise<T>;
  /** Every parsed message received so far. */
  readonly messages: readonly unknown[];
  close(): Promise<void>;
}

export interface WsClient {
  connect(url: string, options?: WsConnectOptions): Promise<WsConnection>;
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
