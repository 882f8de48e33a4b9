import { describe, expect, it } from 'vitest';
import { packedProject } from '../support/packed-project.js';
import { CANARY, config, expectQuiet, journeyFile } from './probe-fault-files.js';

// A journey file whose top-level code loops for ever, as a user might write it by mistake: every command that
// loads the probes ends within the watchdog's bound with one line naming the file, exit 2, instead of hanging.
describe("a synchronous loop in a journey file's top-level code (packed package)", () => {
  it.each([
    ['validate', ['validate', '--config', 'prober.config.json']],
    ['run', ['run', '--config', 'prober.config.json', '--reporter', 'json=report.json']],
    ['schedule', ['schedule', '--config', 'prober.config.json', '--port', '0']],
  ])(
    'prober %s exits 2 naming the file',
    async (_name, args) => {
      const project = packedProject();
      const dir = await project.workspace({
        'prober.config.json': config({
          journeys: {
            faulty: { schedule: '* * * * * *', timeoutMs: 800 },
            steady: { schedule: '* * * * * *', timeoutMs: 800 },
          },
          scheduler: { maxRandomDelayMs: 0 },
        }),
        'faulty.ts': journeyFile(
          'faulty',
          'return;',
          `const pw = process.env.FAULT_PASSWORD; for (;;) { if (pw === '') break; }`,
        ),
        'steady.ts': journeyFile('steady', `ctx.record('ok', 1);`),
      });
      const r = await project.prober(args, { cwd: dir, env: { FAULT_PASSWORD: CANARY } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        /^prober: faulty\.ts \(while loading\) blocked the event loop for over \d+ ms \(a synchronous loop in its top-level code\?\); nothing ran; exit 2$/m,
      );
      expectQuiet(r.stdout, r.stderr);
    },
    60_000,
  );
});
