import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CallRating, CallView, CreateCallBody, CreateCallReply, IceServersReply, Uuid } from '@studymate/contracts';
import { unwrap } from '../../platform/http/errors.js';
import type { CallsService } from './service.js';

const tags = ['calls'];
const CallParams = Type.Object({ callId: Uuid });

export function callsRoutes(app: FastifyInstance, calls: CallsService) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/api/v1/calls';

  r.post(
    base,
    {
      schema: {
        tags,
        summary:
          'Start a call: to a mate (it rings), for a booked session, or with the partner of a 1:1 room; an open one is returned instead',
        body: CreateCallBody,
        response: { 200: CreateCallReply },
      },
    },
    async (request) => unwrap(await calls.createCall(request.auth.sub, request.body)),
  );
  r.get(
    `${base}/ice-servers`,
    {
      schema: {
        tags,
        summary: 'STUN and TURN servers with short-lived TURN credentials; turn=false when none is configured',
        response: { 200: IceServersReply },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return calls.iceServers(request.auth.sub);
    },
  );
  r.get(
    `${base}/:callId`,
    { schema: { tags, summary: 'A call as one of its two participants sees it', params: CallParams, response: { 200: CallView } } },
    async (request) => unwrap(await calls.view(request.auth.sub, request.params.callId)),
  );
  r.post(
    `${base}/:callId/accept`,
    { schema: { tags, summary: 'Answer a ringing call', params: CallParams, response: { 200: CallView } } },
    async (request) => unwrap(await calls.accept(request.auth.sub, request.params.callId)),
  );
  r.post(`${base}/:callId/decline`, { schema: { tags, summary: 'Decline a ringing call', params: CallParams } }, async (request, reply) => {
    unwrap(await calls.decline(request.auth.sub, request.params.callId));
    return reply.status(204).send();
  });
  r.put(
    `${base}/:callId/rating`,
    {
      schema: {
        tags,
        summary: 'Rate the partner 1-5 after the call, tick "talk again", add a private note',
        params: CallParams,
        body: CallRating,
        response: { 200: CallView },
      },
    },
    async (request) => unwrap(await calls.rate(request.auth.sub, request.params.callId, request.body)),
  );
}
