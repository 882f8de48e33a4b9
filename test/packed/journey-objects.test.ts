import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNodeScript } from '../support/node-script.js';
import { packedProject } from '../support/packed-project.js';

// `run()` and `createProber()` take journey objects, from the packed package: a test defines its journeys where it
// runs them, with no journey file and no `probes` glob. The script serves a page itself (127.0.0.1, a free port)
// so the verdicts are real: 200 passes, 503 fails, and a value that is not a journey is one setup problem.

const SCRIPT = `import { createServer } from 'node:http';
import { createProber, journey, ProberSetupError, run, step } from 'golden-path-prober';

const server = createServer((req, res) => {
  res.statusCode = req.url === '/down' ? 503 : 200;
  res.end('ok');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const config = { environment: 'objects', targets: { web: 'http://127.0.0.1:' + server.address().port } };
const page = (name, path) =>
  journey({
    name,
    description: 'GET ' + path,
    capability: 'open ' + path,
    steps: [step('web.get', { service: 'web', timeoutMs: 2_000 }, async (ctx) => { await ctx.http.get(ctx.target('web') + path); })],
  });
const up = page('up', '/');
const down = page('down', '/down');
const out = {};
const once = await run({ config, journeys: [up], env: {} });
out.once = { status: once.status, journeys: once.journeys.map((j) => j.journey) };
const prober = await createProber({ config, journeys: [up, down], env: {} });
out.names = prober.journeys;
const all = await prober.run();
const onlyDown = await prober.run({ journeys: ['down'] });
await prober.close();
out.all = all.journeys.map((j) => [j.journey, j.status]);
out.onlyDown = { status: onlyDown.status, journeys: onlyDown.journeys.map((j) => j.journey) };
try {
  await run({ config, journeys: [{ name: 'not a journey' }], env: {} });
} catch (err) {
  out.refused = { setup: err instanceof ProberSetupError, problems: err.problems };
}
server.close();
process.stdout.write(JSON.stringify(out));
`;

describe('journey objects given to run() and createProber(), from the packed package', { timeout: 60_000 }, () => {
  it('run them with no journey file, select among them by name, and refuse a value that is not a journey', async () => {
    const dir = await packedProject().workspace({ 'objects.mjs': SCRIPT });
    const { code, stdout, stderr } = await runNodeScript(join(dir, 'objects.mjs'), dir);
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.once).toEqual({ status: 'pass', journeys: ['up'] });
    expect(out.names).toEqual(['up', 'down']);
    expect(out.all).toEqual([
      ['up', 'pass'],
      ['down', 'fail'],
    ]);
    expect(out.onlyDown).toEqual({ status: 'fail', journeys: ['down'] });
    expect(out.refused).toEqual({
      setup: true,
      problems: [
        {
          path: 'journeys[0]',
          message: 'not a journey',
          hint: 'pass what journey({ ... }) returns',
          severity: 'error',
        },
      ],
    });
  });
});
