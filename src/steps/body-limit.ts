import type { Readable } from 'node:stream';
import { StepFailure } from '../journey/errors.js';

/**
 * A response that announces a body larger than the cap is refused before a byte of it is read: reading it would
 * only end at the cap or, from a slow server, at the step's deadline (the 2 GB `Content-Length`). Bodies
 * without a length (chunked, streamed) are still cut at the cap as they arrive.
 */
export function declaredLengthFailure(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  cap: number,
): StepFailure | undefined {
  const raw = headers['content-length'];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  const declared = Number(text.trim());
  if (declared <= cap) return undefined;
  return new StepFailure(
    'contract',
    `response declares a ${declared}-byte body (Content-Length), over the ${cap}-byte cap (http.maxBodyBytes)`,
  );
}

/** The refusal as the rejected read, with the body dropped so its connection is not held; undefined when within. */
export function refuseDeclaredOverCap(
  res: { headers: Readonly<Record<string, string | string[] | undefined>>; body: Readable },
  cap: number,
): Promise<never> | undefined {
  const failure = declaredLengthFailure(res.headers, cap);
  if (failure === undefined) return undefined;
  res.body.destroy();
  return Promise.reject(failure);
}
