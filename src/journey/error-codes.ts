/** The fields of an error (Node's, undici's, a client library's) that classification reads. */
export interface ErrnoLike {
  code?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  name?: unknown;
  message?: unknown;
  issues?: unknown;
}

/**
 * Every error in the `cause` chain and inside AggregateErrors (happy-eyeballs connects wrap one per address),
 * outermost first, each once (as Checkly's collectErrorCodes). The one walker: step classification and alert
 * delivery both read codes through it.
 */
export function collectErrors(err: unknown, seen = new Set<unknown>()): ErrnoLike[] {
  if (typeof err !== 'object' || err === null || seen.has(err)) return [];
  seen.add(err);
  const out: ErrnoLike[] = [err as ErrnoLike];
  const nested = (err as { errors?: unknown }).errors;
  if (Array.isArray(nested)) for (const e of nested) out.push(...collectErrors(e, seen));
  out.push(...collectErrors((err as { cause?: unknown }).cause, seen));
  return out;
}

/** The distinct string `code`s found by `collectErrors`, in that order (`ECONNREFUSED`, `UND_ERR_…`). */
export function errorCodes(err: unknown): string[] {
  return [...new Set(collectErrors(err).flatMap((e) => (typeof e.code === 'string' ? [e.code] : [])))];
}
