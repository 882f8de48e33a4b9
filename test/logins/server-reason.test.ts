import { describe, expect, it } from 'vitest';
import { jsonBodyReason, serverReason, wwwAuthenticateReason } from '../../src/steps/server-reason.js';

describe('wwwAuthenticateReason', () => {
  it.each([
    [
      'Bearer error="invalid_token", error_description="The access token expired"',
      'invalid_token: The access token expired',
    ],
    ['Bearer realm="api", error="insufficient_scope", scope="chat"', 'insufficient_scope'],
    ['Bearer error=invalid_token', 'invalid_token'],
    ['Bearer error="invalid_token", error_description="say \\"hi\\""', 'invalid_token: say "hi"'],
    ['Basic realm="x"', undefined],
    ['Bearer', undefined],
    [undefined, undefined],
    [['Basic realm="x"', 'Bearer error="invalid_request"'], 'invalid_request'],
  ])('%j → %j', (header, reason) => {
    expect(wwwAuthenticateReason(header)).toBe(reason);
  });
});

describe('jsonBodyReason', () => {
  const long = 'x'.repeat(500);
  it.each([
    [
      '{"error":"invalid_grant","error_description":"Invalid user credentials"}',
      'application/json',
      'invalid_grant: Invalid user credentials',
    ],
    [
      '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}',
      'application/json',
      'invalid_request_error: Incorrect API key provided',
    ],
    [
      '{"type":"about:blank","title":"Forbidden","detail":"tenant is suspended"}',
      'application/problem+json',
      'tenant is suspended',
    ],
    ['{"title":"Not Found"}', 'application/problem+json', 'Not Found'],
    ['{"message":"route not found"}', undefined, 'route not found'],
    ['{"error":"x","message":"x"}', 'application/json', 'x'],
    ['{"error":"a\\nb"}', 'application/json', 'a b'],
    [`{"message":"${long}"}`, 'application/json', `${'x'.repeat(199)}…`],
    ['<html>Forbidden</html>', 'text/html', undefined],
    ['{not json', 'application/json', undefined],
    ['[1,2]', 'application/json', undefined],
    ['{"ok":false}', 'application/json', undefined],
  ])('%s (%s) → %j', (body, type, reason) => {
    expect(jsonBodyReason(body, type)).toBe(reason);
  });
});

describe('serverReason', () => {
  it.each([
    [
      {
        'www-authenticate': 'Bearer error="invalid_token", error_description="aud mismatch"',
        'content-type': 'application/json',
      },
      '{"error":"invalid_token"}',
      'invalid_token: aud mismatch',
    ],
    [
      { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json' },
      '{"error":"invalid_token","error_description":"jwt expired"}',
      'invalid_token: jwt expired',
    ],
    [
      { 'www-authenticate': 'Bearer error="invalid_token"' },
      '{"message":"tenant suspended"}',
      'invalid_token; tenant suspended',
    ],
    [{ 'content-type': 'text/plain' }, 'nope', undefined],
    [{}, undefined, undefined],
  ])('%j + %s → %j', (headers, body, reason) => {
    expect(serverReason(headers, body)).toBe(reason);
  });
});
