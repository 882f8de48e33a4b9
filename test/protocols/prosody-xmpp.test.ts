import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedProject, type PackedProject } from '../support/packed-project.js';
import { PROSODY, startProsody, type Prosody } from '../support/prosody.js';
import { existsSync } from 'node:fs';

// A real XMPP server from Debian's packages, probed by the shipped recipe examples/protocols/xmpp-websocket.ts
// (frames: 'text', SASL PLAIN) as a user runs it: the packed package, the CLI, a JSON config.
const PASSWORD = 'xmpp-canary-Pw-7731';
const PLAIN_BLOB = Buffer.from(`\0probe\0${PASSWORD}`).toString('base64');

let prosody: Prosody;
let project: PackedProject;
let dir: string;
const outputs: string[] = [];

async function run(password = PASSWORD) {
  const r = await project.prober(['run', '--config', 'prober.config.json', '--reporter', 'json'], {
    cwd: dir,
    env: { XMPP_PASSWORD: password },
  });
  outputs.push(r.stdout, r.stderr);
  const result = JSON.parse(r.stdout) as {
    status: string;
    journeys: {
      status: string;
      failure?: { step: string; category: string; message: string };
      steps: { name: string; status: string }[];
    }[];
  };
  return { code: r.code, stderr: r.stderr, journey: result.journeys[0]! };
}

// Skipped only on a developer machine without Prosody; CI installs it (.ci/run), so there a missing binary fails.
describe.skipIf(!existsSync(PROSODY) && process.env.CI !== 'true')('XMPP over WebSocket against a real Prosody', () => {
  beforeAll(async () => {
    prosody = await startProsody([{ user: 'probe', password: PASSWORD }]);
    project = packedProject();
    // The recipe as shipped in the package, copied next to the user's config.
    const recipe = await readFile(
      join(project.root, 'node_modules/golden-path-prober/examples/protocols/xmpp-websocket.ts'),
      'utf8',
    );
    dir = await project.workspace({
      'xmpp-websocket.ts': recipe,
      'prober.config.json': JSON.stringify({
        environment: 'prosody',
        targets: { xmpp: prosody.url },
        probes: ['xmpp-websocket.ts'],
        secrets: { xmppPassword: '${env:XMPP_PASSWORD}' },
        variables: { xmppDomain: prosody.domain, xmppUser: 'probe' },
      }),
    });
  });
  afterAll(async () => {
    await prosody?.stop();
    // Whatever happened above: neither the password nor the SASL PLAIN blob that carries it is in any output.
    expect(outputs.length).toBeGreaterThan(0);
    for (const out of outputs) {
      expect(out).not.toContain(PASSWORD);
      expect(out).not.toContain(PLAIN_BLOB);
    }
  });

  it('healthy: logs in with SASL PLAIN, sends a message and sees it delivered back → pass', async () => {
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.journey.status).toBe('pass');
    expect(r.journey.steps.map((s) => [s.name, s.status])).toEqual([
      ['xmpp.connect', 'pass'],
      ['xmpp.login', 'pass'],
      ['xmpp.message', 'pass'],
      ['xmpp.close', 'pass'],
    ]);
  });

  it('wrong password → auth at the login step', async () => {
    const r = await run('not-the-password');
    expect(r.code).toBe(1);
    expect(r.journey.failure).toMatchObject({
      step: 'xmpp.login',
      category: 'auth',
      message: 'SASL PLAIN refused: not-authorized',
    });
  });

  it('console output of a healthy run carries no password either', async () => {
    const r = await project.prober(['run', '--config', 'prober.config.json'], {
      cwd: dir,
      env: { XMPP_PASSWORD: PASSWORD },
    });
    outputs.push(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('xmpp.message');
  });

  it('server frozen (SIGSTOP) → timeout at the first step', async () => {
    prosody.freeze();
    try {
      const r = await run();
      expect(r.code).toBe(1);
      expect(r.journey.failure).toMatchObject({ step: 'xmpp.connect', category: 'timeout' });
    } finally {
      prosody.thaw();
    }
  });

  it('server stopped → network at the first step', async () => {
    await prosody.stop();
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.journey.failure).toMatchObject({ step: 'xmpp.connect', category: 'network' });
    expect(r.journey.failure!.message).toContain('connection refused');
  });
});
