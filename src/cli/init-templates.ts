/**
 * What `prober init` writes. The files point at the bundled sandbox staging (`npx prober sandbox` serves exactly
 * these URLs), so the scaffold validates, type-checks and passes before a user has changed a line; the comments say
 * what to change for a real environment. Journeys import only the public package, as users' own files must.
 */

export const CONFIG_TS = `import { defineConfig } from 'golden-path-prober';

/**
 * One config per environment. Try it on the bundled staging first:
 *   npx prober sandbox                                          (serves the targets below; leave it running)
 *   PROBER_PASSWORD=sandbox-password-not-secret npx prober run
 * Then point \`targets\` at your staging and set \`variables.email\` to a dedicated synthetic account.
 */
export default defineConfig({
  environment: 'sandbox',
  targets: {
    auth: 'http://127.0.0.1:4101',
    backend: 'http://127.0.0.1:4102',
    web: 'http://127.0.0.1:4103',
  },
  probes: ['probes/*.ts'],
  // Secrets are only ever \${env:NAME} references: this file can be committed.
  secrets: { password: '\${env:PROBER_PASSWORD}' },
  variables: { email: 'probe@sandbox.test' },
  journeys: {
    // \`prober schedule\` runs each journey on its cron schedule (optional seconds field).
    'api-login': { schedule: '*/5 * * * *', timeoutMs: 20_000 },
    'browser-login': { schedule: '2-59/5 * * * *', timeoutMs: 40_000 },
  },
});
`;

export const API_JOURNEY_TS = `import { randomUUID } from 'node:crypto';
import { journey, step, type WsConnection, z } from 'golden-path-prober';

const Token = z.object({ access_token: z.string().min(1) });
const Session = z.object({ session_id: z.string().min(1) });
/** A chat event on the WebSocket; \`looseObject\` keeps fields this journey does not name. */
const ChatEvent = z.looseObject({ type: z.string(), nonce: z.string().optional(), reply: z.string().optional() });

/**
 * The golden path over the API: the auth service issues a token, the backend opens a chat session, a message goes
 * out over the WebSocket and the assistant's reply to *that* message comes back. Every step names the service it
 * exercises; a failure says which one, in which category (timeout, network, http_status, auth, contract, assertion).
 */
export default journey({
  name: 'api-login',
  description: 'log in through the auth service, open a chat session, send a message and get the reply',
  capability: 'log in and chat',
  tags: ['api'],
  needs: { secrets: ['password'], variables: ['email'] },
  steps: [
    step('auth.token', { service: 'auth', timeoutMs: 5_000, budgetMs: 2_000 }, async (ctx) => {
      const res = await ctx.http.post(\`\${ctx.target('auth')}/auth/login\`, {
        json: { email: ctx.variable('email'), password: ctx.secret('password') },
      });
      const token = await res.json(Token);
      ctx.markSecret(token.access_token); // redacted from every report and log from here on
      ctx.vars.set('token', token.access_token);
    }),

    step('session.create', { service: 'backend', timeoutMs: 5_000, budgetMs: 2_000 }, async (ctx) => {
      const res = await ctx.http.post(\`\${ctx.target('backend')}/api/sessions\`, { bearer: ctx.vars.get('token'), json: {} });
      ctx.vars.set('sessionId', (await res.json(Session)).session_id);
    }),

    step('chat.connect', { service: 'backend', timeoutMs: 5_000, budgetMs: 2_000 }, async (ctx) => {
      const ws = ctx.target('backend').replace(/^http/, 'ws');
      const socket = await ctx.ws.connect(\`\${ws}/ws?session_id=\${encodeURIComponent(ctx.vars.get('sessionId'))}\`, {
        bearer: ctx.vars.get('token'),
      });
      await socket.waitFor(ChatEvent, (m) => m.type === 'ready');
      ctx.vars.set('socket', socket); // stays open for the next steps; closed when the journey ends
    }),

    step('chat.reply', { service: 'backend', timeoutMs: 20_000, budgetMs: 5_000 }, async (ctx) => {
      const socket = ctx.vars.get<WsConnection>('socket');
      const nonce = randomUUID();
      socket.send({ type: 'user_message', nonce, content: \`golden-path probe \${nonce}\` });
      const done = await socket.waitFor(ChatEvent, (m) => m.type === 'agent_completed' || m.type === 'error');
      if (done.type === 'error') ctx.fail('contract', 'the backend answered with an error event instead of a reply');
      if (done.nonce !== nonce) ctx.fail('assertion', 'the reply answered a different message');
      if (!done.reply?.trim()) ctx.fail('assertion', 'the assistant sent an empty reply');
    }),

    // \`always\`: cleanup runs even after a failure and never changes the verdict.
    step('session.close', { service: 'backend', timeoutMs: 5_000, always: true }, async (ctx) => {
      if (!ctx.vars.has('sessionId')) ctx.skip('no chat session was created');
      const id = encodeURIComponent(ctx.vars.get('sessionId'));
      await ctx.http.delete(\`\${ctx.target('backend')}/api/sessions/\${id}\`, { bearer: ctx.vars.get('token'), expect: [204, 404] });
    }),
  ],
});
`;

export const BROWSER_JOURNEY_TS = `import { journey, step } from 'golden-path-prober';

/**
 * In a real Chromium, as a person does it: the login form, the chat page, logging out. Selectors are the words users
 * read, so a redesign that keeps the words keeps the probe working. Needs a Chromium: /usr/bin/chromium or
 * \`npx playwright-core install chromium\`.
 */
export default journey({
  name: 'browser-login',
  description: 'log in through the web UI and see the chat page',
  capability: 'log in to the web app',
  tags: ['browser'],
  // browser: one Chromium page for the whole journey, on ctx.page.
  needs: { browser: true, secrets: ['password'], variables: ['email'] },
  steps: [
    step('web.open', { service: 'web', timeoutMs: 10_000, budgetMs: 3_000 }, async (ctx) => {
      await ctx.page.goto(\`\${ctx.target('web')}/login\`);
      await ctx.page.getByLabel('Email', { exact: true }).waitFor();
    }),

    step('web.login', { service: 'auth', timeoutMs: 10_000, budgetMs: 3_000 }, async (ctx) => {
      await ctx.page.getByLabel('Email', { exact: true }).fill(ctx.variable('email'));
      await ctx.page.getByLabel('Password', { exact: true }).fill(ctx.secret('password'));
      await ctx.page.getByRole('button', { name: 'Log in' }).click();
      await ctx.page.getByRole('heading', { name: 'Chat' }).waitFor();
      ctx.vars.set('loggedIn', true);
    }),

    step('web.logout', { service: 'web', timeoutMs: 10_000, always: true }, async (ctx) => {
      if (!ctx.vars.has('loggedIn')) ctx.skip('never logged in');
      await ctx.page.getByRole('button', { name: 'Log out' }).click();
      await ctx.page.getByText('You have been logged out').waitFor();
    }),
  ],
});
`;

/**
 * Type-checks the config and journeys as tsx runs them (\`module: preserve\` lets a CommonJS or ESM project import
 * the ESM-only package alike); \`@types/node\` arrives as a peer dependency of golden-path-prober.
 */
export const TSCONFIG_JSON = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022', 'DOM'],
      module: 'preserve',
      moduleResolution: 'bundler',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['prober.config.ts', 'probes'],
  },
  null,
  2,
)}\n`;

/** Lines `prober init` makes sure `.gitignore` has (artifacts, reports, the state store). */
export const GITIGNORE_LINES = ['node_modules/', 'artifacts/', 'reports/', '.prober/'];

export const CI_WORKFLOW_YML = `# The golden path on a schedule and on demand. Set the PROBER_PASSWORD secret (the synthetic account's password).
name: golden path
on:
  schedule:
    - cron: '*/15 * * * *'
  workflow_dispatch: {}
jobs:
  golden-path:
    runs-on: ubuntu-24.04
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 24
          cache: npm
      - name: Install the prober and Chromium
        run: |
          npm ci
          npx playwright-core install --with-deps chromium
      - name: Run the journeys
        env:
          PROBER_PASSWORD: \${{ secrets.PROBER_PASSWORD }}
        run: >
          npx prober run
          --retries 1
          --reporter console
          --reporter junit=reports/golden-path.xml
          --reporter html=reports/golden-path.html
          --reporter github
      - name: Publish the report
        if: \${{ always() }}
        uses: actions/upload-artifact@v4
        with:
          name: golden-path-report
          path: |
            reports/
            artifacts/
`;

export interface ScaffoldFile {
  path: string;
  content: string;
}

export const SCAFFOLD: readonly ScaffoldFile[] = [
  { path: 'prober.config.ts', content: CONFIG_TS },
  { path: 'probes/api-login.ts', content: API_JOURNEY_TS },
  { path: 'probes/browser-login.ts', content: BROWSER_JOURNEY_TS },
  { path: 'tsconfig.json', content: TSCONFIG_JSON },
  { path: '.github/workflows/golden-path.yml', content: CI_WORKFLOW_YML },
];
