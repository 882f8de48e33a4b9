/**
 * Recipe: log in to an XMPP server over WebSocket (RFC 7395: Prosody's mod_websocket, ejabberd, Openfire) and chat.
 *
 * Config: targets.xmpp = the WebSocket endpoint ('wss://chat.example.com/xmpp-websocket'),
 * variables.xmppDomain ('example.com'), variables.xmppUser ('probe'), secrets.xmppPassword.
 * XMPP frames are XML text, so the connection uses `frames: 'text'`: each frame arrives as a string and `send`
 * sends a string unchanged. SASL PLAIN needs TLS (wss://) on a real server; the password is redacted.
 */
import { journey, step, type StepContext, type WsConnection } from 'golden-path-prober';

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
const openStream = (domain: string) => `<open xmlns="${FRAMING}" to="${domain}" version="1.0"/>`;
const xmpp = (ctx: StepContext) => ctx.vars.get<WsConnection<string>>('xmpp');
const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export default journey({
  name: 'xmpp-chat',
  description: 'log in to the XMPP server over WebSocket and get a message delivered',
  capability: 'Users can log in and chat over XMPP',
  needs: { secrets: ['xmppPassword'], variables: ['xmppDomain', 'xmppUser'] },
  steps: [
    step('xmpp.connect', { service: 'xmpp' }, async (ctx) => {
      const ws = await ctx.ws.connect(ctx.target('xmpp'), { protocols: ['xmpp'], frames: 'text' });
      ctx.vars.set('xmpp', ws);
      if (ws.protocol !== 'xmpp') ctx.fail('contract', `the server chose subprotocol "${ws.protocol}", not xmpp`);
      ws.send(openStream(ctx.variable('xmppDomain')));
      const features = await ws.waitFor((f) => f.startsWith('<stream:features'), { describe: 'stream features' });
      if (!features.includes('<mechanism>PLAIN</mechanism>')) ctx.fail('contract', 'the server offers no SASL PLAIN');
    }),
    step('xmpp.login', { service: 'xmpp' }, async (ctx) => {
      const ws = xmpp(ctx);
      const credentials = Buffer.from(`\0${ctx.variable('xmppUser')}\0${ctx.secret('xmppPassword')}`).toString(
        'base64',
      );
      ctx.markSecret(credentials);
      ws.send(`<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${credentials}</auth>`);
      const outcome = await ws.waitFor((f) => /^<(success|failure)\b/.test(f), { describe: 'SASL outcome' });
      if (outcome.startsWith('<failure')) {
        const condition = /<([a-z-]+)\/>/.exec(outcome)?.[1] ?? 'failure';
        ctx.fail('auth', `SASL PLAIN refused: ${condition}`);
      }
      // After SASL the stream restarts; then the client binds a resource and gets its full JID.
      ws.send(openStream(ctx.variable('xmppDomain')));
      await ws.waitFor((f) => f.startsWith('<stream:features') && f.includes('xmpp-bind'), {
        describe: 'bind feature',
      });
      ws.send(
        `<iq type="set" id="bind" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>prober</resource></bind></iq>`,
      );
      const bound = await ws.waitFor((f) => f.startsWith('<iq') && /id=["']bind["']/.test(f), {
        describe: 'bind result',
      });
      const jid = /<jid>([^<]+)<\/jid>/.exec(bound)?.[1];
      if (jid === undefined || !/type=["']result["']/.test(bound))
        return ctx.fail('contract', 'resource binding did not return a JID');
      ctx.vars.set('jid', jid);
    }),
    step('xmpp.message', { service: 'xmpp' }, async (ctx) => {
      const ws = xmpp(ctx);
      const jid = ctx.vars.get('jid');
      const nonce = `probe-${ctx.runId.slice(0, 8)}-${Date.now()}`;
      // To our own full JID: the server routes it back to this connection, which proves delivery end to end.
      ws.send(
        `<message xmlns="jabber:client" to="${escapeXml(jid)}" type="chat" id="${nonce}"><body>${nonce}</body></message>`,
      );
      await ws.waitFor((f) => f.startsWith('<message') && f.includes(`<body>${nonce}</body>`), {
        describe: 'our message delivered back',
      });
      ctx.record('roundTripMs', ctx.elapsedMs());
    }),
    step('xmpp.close', { service: 'xmpp', always: true }, async (ctx) => {
      if (!ctx.vars.has('xmpp')) ctx.skip('no connection');
      const ws = xmpp(ctx);
      ws.send(`<close xmlns="${FRAMING}"/>`);
      await ws.close();
    }),
  ],
});
