import { expect } from 'vitest';
import { hasStackTrace } from '../support/cli.js';

// Probe bugs as users write them, in a fresh project that imports only `golden-path-prober`. Each faulty journey
// runs next to a healthy one; the secret is a canary that must never reach stdout or stderr.
export const CANARY = 'canary-probe-fault-7f3a9';

export function journeyFile(name: string, body: string, prelude = '', timeoutMs = 800): string {
  return `import { journey, step } from 'golden-path-prober';
${prelude}
export default journey({
  name: '${name}',
  description: '${name} journey',
  capability: 'do ${name} things',
  needs: { secrets: ['password'] },
  steps: [
    step('act', { service: 'svc', timeoutMs: ${timeoutMs} }, async (ctx) => {
      ${body}
    }),
  ],
});
`;
}

export function config(extra: object = {}): string {
  return JSON.stringify({
    environment: 'faults',
    // Nothing listens there and no step connects: these journeys exercise the prober, not a service.
    targets: { svc: 'http://127.0.0.1:9' },
    probes: ['faulty.ts', 'steady.ts'],
    secrets: { password: '${env:FAULT_PASSWORD}' },
    versions: { svc: { enabled: false } },
    ...extra,
  });
}

export function expectQuiet(stdout: string, stderr: string): void {
  for (const out of [stdout, stderr]) {
    expect(out).not.toContain(CANARY);
    expect(hasStackTrace(out)).toBe(false);
    expect(out).not.toContain('data:text/javascript'); // the transpiled probe source Node prints with a crash
    expect(out).not.toMatch(/^Node\.js v/m);
  }
}
