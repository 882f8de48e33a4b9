import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { isProberSetupError, problemLine } from '../../src/config/problems.js';
import { hasStackTrace, ROOT, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'prober-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'probe.ts'),
  `import { journey, step } from '${pathToFileURL(join(ROOT, 'src/index.ts')).href}';
export default journey({ name: 'j', description: 'd', capability: 'c', steps: [step('a', { service: 'auth' }, () => {})] });\n`,
);

const valid = {
  environment: 'fuzz',
  targets: { auth: 'http://127.0.0.1:1' },
  probes: ['probe.ts'],
  secrets: { password: '${env:FUZZ_PASSWORD}' },
  variables: { email: 'a@b.c' },
  journeys: { j: { schedule: '*/10 * * * * *', timeoutMs: 1000, steps: { a: { timeoutMs: 500, budgetMs: 100 } } } },
};

/** Valid configs with random keys replaced, removed or added: the shapes a typo or a bad merge produces. */
const configArb = fc.oneof(
  fc.constant(valid),
  fc.anything(),
  fc
    .record({
      key: fc.constantFrom(...Object.keys(valid), 'extra', 'tls', 'http', 'browser', 'store'),
      value: fc.oneof(fc.anything(), fc.string(), fc.dictionary(fc.string(), fc.anything(), { maxKeys: 3 })),
      drop: fc.boolean(),
    })
    .map(({ key, value, drop }) => {
      const copy: Record<string, unknown> = { ...valid };
      if (drop) delete copy[key];
      else copy[key] = value;
      return copy;
    }),
);

/** `path: message`, where path segments may be quoted JSON strings (which can contain colons). */
const PROBLEM_LINE = /^(?:[^:"\n]|"(?:[^"\\\n]|\\.)*")+: .+$/;

let n = 0;
describe('config fuzzing', () => {
  it('loading a generated config either succeeds or reports one-line problems; nothing else is ever thrown', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, async (config) => {
        const file = join(dir, `c${n++}.json`);
        writeFileSync(file, JSON.stringify(config) ?? 'null');
        try {
          await loadConfig(file, { env: { FUZZ_PASSWORD: 'fuzz-password' } });
        } catch (err) {
          expect(isProberSetupError(err), `unexpected ${(err as Error)?.name}: ${(err as Error)?.message}`).toBe(true);
          if (!isProberSetupError(err)) return;
          expect(err.problems.length).toBeGreaterThan(0);
          for (const p of err.problems.map(problemLine)) {
            expect(p).not.toContain('\n');
            expect(p).toMatch(PROBLEM_LINE);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the real CLI on generated configs exits 0 or 2, one line per problem, never a stack trace', async () => {
    const samples = fc.sample(configArb, { numRuns: 6, seed: 42 });
    for (const [i, config] of samples.entries()) {
      const file = join(dir, `cli${i}.json`);
      writeFileSync(file, JSON.stringify(config) ?? 'null');
      const r = await runCli(['validate', '--config', file], { env: { FUZZ_PASSWORD: 'fuzz-password' } });
      expect([0, 2]).toContain(r.code);
      expect(hasStackTrace(r.stderr)).toBe(false);
      if (r.code === 2)
        for (const line of r.stderr.trim().split('\n')) expect(line.replace(/^prober: /, '')).toMatch(PROBLEM_LINE);
    }
  });
});
