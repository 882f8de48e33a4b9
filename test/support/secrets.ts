import { expect } from 'vitest';

/** Asserts no secret leaked: the canary password, any JWT (every token the sandbox mints is one), any raw bearer. */
export function expectNoSecrets(where: string, text: string, canary: string): void {
  expect(text.includes(canary), `${where} contains the canary password`).toBe(false);
  expect(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/.test(text), `${where} contains a JWT`).toBe(false);
  expect(/bearer\s+(?!\[REDACTED\])\S+/i.test(text), `${where} contains a bearer token`).toBe(false);
}
