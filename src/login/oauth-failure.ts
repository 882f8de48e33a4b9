import { StepFailure } from '../journey/errors.js';

/**
 * Turns what openid-client / oauth4webapi and jose throw into a step failure in the provider's words: an `error` on
 * the redirect or from the token endpoint, a challenge, a claim that failed. Pure, tested as a table; matched on the
 * libraries' documented `code`s and fields rather than their classes, so two copies of a library still match.
 * Returns undefined for anything else (a transport error is the wire's to classify).
 */
export function oauthFailure(err: unknown, what: string): StepFailure | undefined {
  if (err instanceof StepFailure) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as Record<string, unknown>;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const said = (error: unknown, description: unknown) =>
    [error, description].filter((v): v is string => typeof v === 'string' && v !== '').join(': ');
  switch (code) {
    case 'OAUTH_RESPONSE_BODY_ERROR': {
      const status = typeof e.status === 'number' ? e.status : undefined;
      const category = status !== undefined && status >= 500 ? 'http_status' : 'auth';
      return new StepFailure(
        category,
        `${what}: the provider refused (HTTP ${status ?? '?'}): ${said(e.error, e.error_description)}`,
        status === undefined ? {} : { httpStatus: status },
      );
    }
    case 'OAUTH_AUTHORIZATION_RESPONSE_ERROR':
      return new StepFailure('auth', `${what}: the provider answered with error=${said(e.error, e.error_description)}`);
    case 'OAUTH_WWW_AUTHENTICATE_CHALLENGE': {
      const challenges = Array.isArray(e.cause) ? (e.cause as { parameters?: Record<string, string> }[]) : [];
      const p = challenges[0]?.parameters ?? {};
      const status = (e.response as { status?: unknown } | undefined)?.status;
      const http = typeof status === 'number' ? ` (HTTP ${status})` : '';
      return new StepFailure(
        'auth',
        `${what}: the provider refused${http}: ${said(p.error, p.error_description) || 'a WWW-Authenticate challenge'}`,
        typeof status === 'number' ? { httpStatus: status } : {},
      );
    }
  }
  // openid-client wraps oauth4webapi's processing errors in a ClientError whose cause says what failed.
  const inner = e.cause !== null && typeof e.cause === 'object' ? (e.cause as Record<string, unknown>) : undefined;
  const detail = typeof inner?.message === 'string' ? inner.message : typeof e.message === 'string' ? e.message : '';
  switch (code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return new StepFailure('auth', `${what}: ${detail}`);
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM': {
      const status =
        typeof (inner as { status?: unknown } | undefined)?.status === 'number'
          ? (inner as { status: number }).status
          : undefined;
      return new StepFailure(
        'http_status',
        `${what}: unexpected HTTP status${status === undefined ? '' : ` ${status}`}`,
        status === undefined ? {} : { httpStatus: status },
      );
    }
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
    case 'OAUTH_PARSE_ERROR':
    case 'OAUTH_INVALID_RESPONSE':
      return new StepFailure('contract', `${what}: ${detail}`);
    case 'OAUTH_HTTP_REQUEST_FORBIDDEN':
    case 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN':
      return new StepFailure('prober', `${what}: ${detail}`);
  }
  // jose: a claim check (`claim`, `reason`), an expired token, a bad signature, no key for its `kid`.
  if (typeof code === 'string' && code.startsWith('ERR_J')) {
    const claim = typeof e.claim === 'string' ? ` (claim "${e.claim}": ${String(e.reason ?? 'failed')})` : '';
    return new StepFailure('auth', `${what}: ${detail}${claim}`);
  }
  return undefined;
}
