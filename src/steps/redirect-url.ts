import { REDACTED } from '../redact.js';

/**
 * How a redirect hop's URL is shown in evidence and messages. A login chain's meaning is in its query (`error=`,
 * `response_type=`, which `client_id`), but so are its credentials (`code`, `state`, `SAMLResponse`, a session id in a
 * custom parameter): every value is redacted except those of parameters known to carry no secret. Deny by default,
 * because an IdP's own parameter names are not ours to know.
 */
const SHOWN_PARAMS = new Set([
  'error',
  'error_description',
  'error_uri',
  'response_type',
  'response_mode',
  'scope',
  'client_id',
  'redirect_uri',
  'prompt',
  'ui_locales',
  'kc_locale',
  'iss',
  'code_challenge_method',
  'max_age',
]);

/** Query parameters whose values are credentials: redacted everywhere once a redirect chain has seen them. */
export const CREDENTIAL_PARAMS = new Set([
  'code',
  'state',
  'session_state',
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'samlresponse',
  'samlrequest',
  'relaystate',
  'ticket',
  'code_verifier',
  'client_secret',
  'password',
]);

/** Origin, path and query with every value but the known-harmless ones redacted; no fragment. */
export function shownHopUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(invalid url)';
  }
  const base = u.protocol === 'http:' || u.protocol === 'https:' ? `${u.origin}${u.pathname}` : `${u.protocol}…`;
  const params = [...u.searchParams.entries()].map(([key, value]) =>
    SHOWN_PARAMS.has(key.toLowerCase()) ? `${key}=${encodeURIComponent(value)}` : `${key}=${REDACTED}`,
  );
  return params.length === 0 ? base : `${base}?${params.join('&')}`;
}

/** The query of a URL as a plain record (the first value of a repeated key). */
export function queryOf(url: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URL(url).searchParams) if (!(key in out)) out[key] = value;
  // A fragment response (`response_mode=fragment`, the implicit flow) carries its parameters after `#`.
  const hash = new URL(url).hash.slice(1);
  if (hash.includes('=')) for (const [key, value] of new URLSearchParams(hash)) if (!(key in out)) out[key] = value;
  return out;
}
