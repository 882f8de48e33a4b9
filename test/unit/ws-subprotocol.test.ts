import { describe, expect, it } from 'vitest';
import { subprotocolCredentials, subprotocolFailure } from '../../src/steps/websocket.js';

describe('subprotocolCredentials (tokens offered as WebSocket subprotocols are secrets)', () => {
  it.each([
    [['jwt-auth', 'jwt.abc.def'], ['abc.def']],
    [['chat.v1', 'bearer.opaque'], ['opaque']],
    [['jwt-auth', 'chat.v1', 'jwtx.not'], []],
  ])('%j → %j', (protocols, secrets) => {
    expect(subprotocolCredentials(protocols)).toEqual(secrets);
  });
});

describe('subprotocolFailure (the server must select one of the offered subprotocols, or none if none was offered)', () => {
  it.each([
    [[], undefined, undefined],
    [['jwt-auth', 'jwt.s3cretvalue'], 'jwt-auth', undefined],
    [['chat.v1'], 'chat.v1', undefined],
    [['jwt-auth', 'jwt.s3cretvalue'], undefined, 'without selecting any offered subprotocol (jwt-auth)'],
    [['jwt.s3cretvalue'], undefined, 'without selecting any offered subprotocol (a token)'],
    [['jwt-auth', 'jwt.s3cretvalue'], 'chat.v1', 'selected a WebSocket subprotocol that was not offered (jwt-auth)'],
    [[], 'chat.v1', 'selected a WebSocket subprotocol although none was offered'],
  ])('offered %j, selected %j → %s', (offered, selected, message) => {
    const failure = subprotocolFailure(offered, selected);
    if (message === undefined) return expect(failure).toBeUndefined();
    expect(failure?.category).toBe('contract');
    expect(failure?.message).toContain(message);
    expect(failure?.message).not.toContain('s3cretvalue');
  });
});
