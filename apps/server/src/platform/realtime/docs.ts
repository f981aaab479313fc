import type { FastifyInstance } from 'fastify';
import { Inbound, REALTIME_PATH, STOMP_SUBPROTOCOLS, Topics, UserQueues } from '@studymate/contracts';

/**
 * The realtime protocol as JSON next to the OpenAPI document: every destination with the JSON
 * Schema of its payload, straight from packages/contracts, so it cannot drift from the code.
 */
export function installRealtimeDocs(app: FastifyInstance) {
  const document = {
    protocol: 'STOMP 1.2 over WebSocket',
    path: REALTIME_PATH,
    subprotocols: STOMP_SUBPROTOCOLS,
    connect: 'CONNECT with header `Authorization: Bearer <access token>`; the connection ends when the token expires.',
    refusal: 'ERROR frame with a `message` header and an ErrorBody JSON body, then the server closes the connection.',
    subscribe: {
      topics: Object.fromEntries(Object.entries(Topics).map(([pattern, schema]) => [pattern, schema])),
      userQueues: Object.fromEntries(Object.entries(UserQueues).map(([name, schema]) => [`/user/queue/${name}`, schema])),
    },
    send: Object.fromEntries(Object.entries(Inbound).map(([pattern, schema]) => [pattern, schema])),
  };
  app.get('/api/docs/realtime.json', { config: { public: true }, schema: { hide: true } }, async () => document);
}
