// A real gRPC (@grpc/grpc-js, HTTP/2) or GraphQL-over-WebSocket (graphql-ws on ws) server in its own process, so
// the tests can freeze it (SIGSTOP), stop and restart it by PID. Usage: node rpc-server.mjs grpc|graphql PORT TOKEN.
// Prints "ready PORT" once listening.
import { createServer } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { GraphQLInt, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

const [kind, portArg, token] = process.argv.slice(2);
const port = Number(portArg);
const json = { serialize: (v) => Buffer.from(JSON.stringify(v)), deserialize: (b) => JSON.parse(b.toString()) };
const method = (path, responseStream) => ({
  path,
  requestStream: false,
  responseStream,
  requestSerialize: json.serialize,
  requestDeserialize: json.deserialize,
  responseSerialize: json.serialize,
  responseDeserialize: json.deserialize,
});
export const CART_SERVICE = { get: method('/cart.Cart/Get', false), watch: method('/cart.Cart/Watch', true) };

if (kind === 'grpc') {
  const server = new grpc.Server();
  const authorized = (call) => call.metadata.get('authorization')[0] === `Bearer ${token}`;
  server.addService(CART_SERVICE, {
    get: (call, callback) => {
      if (!authorized(call)) return callback({ code: grpc.status.UNAUTHENTICATED, details: 'bad token' });
      callback(null, { items: 3 });
    },
    watch: (call) => {
      if (!authorized(call)) return call.destroy({ code: grpc.status.UNAUTHENTICATED, details: 'bad token' });
      let n = 0;
      call.write({ tick: n++ });
      const timer = setInterval(() => call.write({ tick: n++ }), 200);
      call.on('cancelled', () => clearInterval(timer));
    },
  });
  server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
    if (err) throw err;
    process.stdout.write(`ready ${bound}\n`);
  });
} else {
  let ticks = 0;
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { items: { type: GraphQLInt, resolve: () => 3 } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        tick: {
          type: GraphQLInt,
          subscribe: async function* () {
            for (;;) {
              yield { tick: ticks++ };
              await new Promise((resolve) => setTimeout(resolve, 200));
            }
          },
        },
      },
    }),
  });
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  useServer({ schema, onConnect: (ctx) => ctx.connectionParams?.token === token }, wss);
  http.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${http.address().port}\n`));
}
