import { describe, expect, it } from 'vitest';
import { FAULT_CATALOG, FaultSpecError, parseFault } from '../../src/sandbox/index.js';

describe('parseFault', () => {
  it.each([
    ['auth.token=http500', { step: 'auth.token', effect: 'http500' }],
    ['auth.token=badaud', { step: 'auth.token', effect: 'badaud' }],
    ['auth.token=slow:2500', { step: 'auth.token', effect: 'slow', arg: 2500 }],
    ['session.create=refuse', { step: 'session.create', effect: 'refuse' }],
    ['session.create=drip', { step: 'session.create', effect: 'drip' }],
    ['chat.connect=http401', { step: 'chat.connect', effect: 'http401' }],
    ['chat.send=close', { step: 'chat.send', effect: 'close' }],
    ['chat.reply=wrongnonce', { step: 'chat.reply', effect: 'wrongnonce' }],
    ['chat.reply=slow:10', { step: 'chat.reply', effect: 'slow', arg: 10 }],
    ['session.close=reset', { step: 'session.close', effect: 'reset' }],
    ['web.page=refuse', { step: 'web.page', effect: 'refuse' }],
    ['web.login=http500', { step: 'web.login', effect: 'http500' }],
    [' chat.reply=silent ', { step: 'chat.reply', effect: 'silent' }],
  ])('accepts %s', (spec, expected) => {
    expect(parseFault(spec)).toEqual(expected);
  });

  it.each([
    ['', /expected STEP=EFFECT/],
    ['auth.token', /expected STEP=EFFECT/],
    ['auth.token=', /expected STEP=EFFECT/],
    ['=http500', /expected STEP=EFFECT/],
    ['nope.step=http500', /unknown step "nope.step", steps: auth\.token, .*chat\.reply/],
    ['auth.token=explode', /effect "explode" is not valid here, valid effects for auth\.token: http500, .*badaud/],
    ['chat.reply=http500', /effect "http500" is not valid here, valid effects for chat\.reply: silent, close/],
    ['chat.send=wrongnonce', /not valid here/],
    ['chat.connect=refuse', /not valid here/],
    ['session.close=refuse', /not valid here/],
    ['web.login=refuse', /not valid here/],
    ['auth.token=slow', /positive integer of milliseconds/],
    ['auth.token=slow:', /positive integer of milliseconds/],
    ['auth.token=slow:0', /positive integer of milliseconds/],
    ['auth.token=slow:-5', /positive integer of milliseconds/],
    ['auth.token=slow:1.5', /positive integer of milliseconds/],
    ['auth.token=slow:abc', /positive integer of milliseconds/],
    ['auth.token=hang:5', /takes no argument/],
  ])('rejects %j', (spec, message) => {
    let caught: unknown;
    try {
      parseFault(spec);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FaultSpecError);
    const error = caught as FaultSpecError;
    expect(error.code).toBe('SANDBOX_FAULT_SPEC');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('catalogs every step with a service, a description and effects that parse', () => {
    expect(Object.keys(FAULT_CATALOG).sort()).toEqual(
      [
        'agent.connect',
        'agent.reply',
        'auth.token',
        'chat.connect',
        'chat.reply',
        'chat.send',
        'session.close',
        'session.create',
        'web.login',
        'web.page',
      ].sort(),
    );
    for (const [step, entry] of Object.entries(FAULT_CATALOG)) {
      expect(['auth', 'backend', 'web']).toContain(entry.service);
      expect(entry.description.length).toBeGreaterThan(10);
      for (const effect of entry.effects) {
        expect(() => parseFault(`${step}=${effect.replace(':MS', ':100')}`)).not.toThrow();
      }
    }
  });
});
