import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { packedProject } from '../support/packed-project.js';
import { expectNoSecrets } from '../support/secrets.js';

// A user's own journey for the seed platform's agent dialect, importing only `golden-path-prober`.
const AGENT_JOURNEY = `import { randomUUID } from 'node:crypto';
import { journey, step, z } from 'golden-path-prober';

const Event = z.looseObject({ type: z.string(), payload: z.looseObject({ message_id: z.string().optional() }).optional() });
type Event = z.infer<typeof Event>;
const ours = (id: string, type: string) => (m: unknown) => {
  const e = Event.safeParse(m);
  return e.success && e.data.type === type && e.data.payload?.message_id === id;
};

export default journey({
  name: 'agent-chat',
  description: 'log in and ask the agent over the jwt-auth WebSocket',
  capability: 'ask the agent',
  needs: { secrets: ['password'], variables: ['email'] },
  steps: [
    step('auth.login', { service: 'auth' }, async (ctx) => {
      const login = await ctx.http.post(\`\${ctx.target('auth')}/auth/login\`, {
        json: { email: ctx.variable('email'), password: ctx.secret('password') },
      });
      const { access_token: token } = await login.json(z.object({ access_token: z.string().min(1) }));
      ctx.markSecret(token);
      ctx.vars.set('token', token);
    }),
    step('agent.reply', { service: 'backend', timeoutMs: 15_000 }, async (ctx) => {
      const token = ctx.vars.get<string>('token');
      const socket = await ctx.ws.connect(ctx.target('backend').replace(/^http/, 'ws') + '/agent/ws', { protocols: ['jwt-auth', \`jwt.\${token}\`] });
      await socket.waitFor((m) => Event.safeParse(m).success && (m as Event).type === 'connection_established');
      const id = randomUUID();
      socket.send({ type: 'user_message', payload: { message_id: id, content: 'hello agent' } });
      await socket.waitFor(ours(id, 'tool_completed'), { timeoutMs: 3_000, describe: 'tool_completed for our message' });
      const done = await socket.waitFor<Event>(ours(id, 'agent_completed'), { describe: 'agent_completed for our message' });
      if (!String(done.payload?.reply ?? '').includes(id)) ctx.fail('assertion', 'the reply does not reference our message');
    }),
  ],
});
`;

// Offers a canary token the sandbox has never issued, then puts it in its failure message twice: as the
// subprotocol value (\`jwt.<canary>\`, the redaction pattern's case) and bare (redacted only because ctx.ws.connect
// registered the subprotocol's token as a secret). Neither may reach any output.
const CANARY_JOURNEY = `import { journey, step } from 'golden-path-prober';

export default journey({
  name: 'agent-canary',
  description: 'offers an unknown jwt subprotocol token',
  capability: 'reach the agent',
  steps: [
    step('agent.connect', { service: 'backend' }, async (ctx) => {
      const token = process.env.AGENT_CANARY_TOKEN ?? '';
      const protocols = ['jwt-auth', \`jwt.\${token}\`];
      try {
        await ctx.ws.connect(ctx.target('backend').replace(/^http/, 'ws') + '/agent/ws', { protocols });
      } catch {
        ctx.fail('auth', \`the agent refused \${protocols.join(', ')}; the token was \${token}\`);
      }
    }),
  ],
});
`;

const PASSWORD = `packed-agent-${randomBytes(6).toString('hex')}`;
const CANARY_TOKEN = `canarytok${randomBytes(12).toString('hex')}`;

describe('the agent dialect through the packed package', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ users: [{ email: 'probe@example.com', password: PASSWORD }] });
  });
  afterAll(() => sandbox?.close());

  const workspace = (files: Record<string, string>, probes: string[]) =>
    packedProject().workspace({
      ...files,
      'prober.config.json': JSON.stringify({
        environment: 'packed',
        targets: { auth: sandbox.urls.auth, backend: sandbox.urls.backend, web: sandbox.urls.web },
        probes,
        secrets: { password: '${env:PACKED_PASSWORD}' },
        variables: { email: 'probe@example.com' },
      }),
    });

  it('a journey written against the public API passes against the healthy agent and fails, named, under a fault', async () => {
    const dir = await workspace({ 'agent.ts': AGENT_JOURNEY }, ['agent.ts']);
    const run = () =>
      packedProject().prober(['run', '--config', 'prober.config.json', '--reporter', 'json'], {
        cwd: dir,
        env: { PACKED_PASSWORD: PASSWORD },
      });
    const healthy = await run();
    expect(healthy.stderr).not.toContain('Cannot find');
    expect(healthy.code).toBe(0);
    expect(JSON.parse(healthy.stdout)).toMatchObject({
      status: 'pass',
      journeys: [{ journey: 'agent-chat', status: 'pass' }],
    });

    sandbox.faults.set('agent.reply=toolstuck');
    try {
      const stuck = await run();
      expect(stuck.code).toBe(1);
      const steps = (
        JSON.parse(stuck.stdout) as {
          journeys: { steps: { name: string; status: string; error?: { category: string; message: string } }[] }[];
        }
      ).journeys[0]!.steps;
      expect(steps.map((s) => [s.name, s.status])).toEqual([
        ['auth.login', 'pass'],
        ['agent.reply', 'fail'],
      ]);
      const step = steps[1]!;
      expect(step.error).toEqual({ category: 'timeout', message: 'no tool_completed for our message within 3000 ms' });
    } finally {
      sandbox.faults.clear();
    }
  });

  it('canary: a jwt.<token> subprotocol value is absent from stdout, stderr (logs), JSON, JUnit, HTML and the state store', async () => {
    const dir = await workspace({ 'canary.ts': CANARY_JOURNEY }, ['canary.ts']);
    const r = await packedProject().prober(
      [
        'run',
        '--config',
        'prober.config.json',
        '--log-level',
        'debug',
        '--store',
        'state.db',
        '--reporter',
        'console',
        '--reporter',
        'json=out.json',
        '--reporter',
        'junit=out.xml',
        '--reporter',
        'html=out.html',
      ],
      { cwd: dir, env: { PACKED_PASSWORD: PASSWORD, AGENT_CANARY_TOKEN: CANARY_TOKEN } },
    );
    expect(r.code).toBe(1);
    const files = await Promise.all(
      ['out.json', 'out.xml', 'out.html'].map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const),
    );
    // The state store (SQLite, with its write-ahead log if one is left) keeps the run history: scanned as bytes.
    const store = ['state.db', 'state.db-wal']
      .filter((f) => existsSync(join(dir, f)))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(store).toContain('jwt.[REDACTED]');
    expectNoSecrets('state store', store, CANARY_TOKEN);
    // The failure did reach every output, redacted: the check below is not passing on empty files.
    for (const [where, text] of [['stdout', r.stdout], ['stderr', r.stderr], ...files] as const) {
      expect(text, where).toContain('the agent refused jwt-auth, jwt.[REDACTED]; the token was [REDACTED]');
      expectNoSecrets(where, text, CANARY_TOKEN);
    }
  });
});
