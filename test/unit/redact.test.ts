import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../src/redact.js';

describe('Redactor', () => {
  const canary = 'canary-Pa55"word/&?';
  const r = new Redactor();
  r.add(canary);

  it.each([
    ['raw', `password=${canary} failed`],
    ['JSON-escaped', JSON.stringify({ password: canary })],
    ['URL-encoded', `https://x/login?p=${encodeURIComponent(canary)}`],
  ])('scrubs the %s form of a registered secret', (_form, text) => {
    const out = r.scrub(text);
    expect(out).not.toContain(canary);
    expect(out).not.toContain(JSON.stringify(canary).slice(1, -1));
    expect(out).not.toContain(encodeURIComponent(canary));
    expect(out).toContain(REDACTED);
  });

  it.each([
    ['bearer header', 'Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
    ['JWT anywhere', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-x here', 'eyJzdWIiOiIxIn0'],
    ['credential in a query', 'wss://chat/ws?session_id=1&token=s3cr3tvalue', 's3cr3tvalue'],
    ['bearer subprotocol', 'protocols bearer.opaque-token-1', 'opaque-token-1'],
    ['jwt subprotocol', 'Sec-WebSocket-Protocol: jwt-auth, jwt.opaque-token-2', 'opaque-token-2'],
    ['jwt subprotocol in a JSON list', '{"protocols":["jwt-auth","jwt.opaque-token-3"]}', 'opaque-token-3'],
  ])('scrubs an unregistered %s', (_what, text, secret) => {
    expect(new Redactor().scrub(text)).not.toContain(secret);
  });

  it('keeps the jwt-auth protocol name readable while redacting the token next to it', () => {
    expect(new Redactor().scrub('offered jwt-auth, jwt.opaque-token-2; refused')).toBe(
      'offered jwt-auth, jwt.[REDACTED]; refused',
    );
  });

  it('leaves ordinary text alone and ignores values too short to redact safely', () => {
    const r2 = new Redactor();
    r2.add('ab');
    expect(r2.size).toBe(0);
    expect(r2.scrub('users can log in and chat')).toBe('users can log in and chat');
  });

  it('scrubs deep copies without touching the original', () => {
    const original = { a: [{ b: `x ${canary} y` }], n: 1 };
    const copy = r.scrubDeep(original);
    expect(JSON.stringify(copy)).not.toContain(canary);
    expect(original.a[0]?.b).toContain(canary);
    expect(copy.n).toBe(1);
  });
});
