import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CalendarFeedCreated,
  CalendarFeedQuery,
  CalendarFeedStatus,
  CancelSessionBody,
  DeclineSessionBody,
  MoveSessionBody,
  OccurrenceParams,
  ProposeSessionBody,
  SessionList,
  SessionOccurrence,
  SessionParams,
  SessionRangeQuery,
  SessionSuggestions,
  SuggestionsQuery,
} from '@studymate/contracts';
import { AppError, unwrap } from '../../platform/http/errors.js';
import type { SessionsService } from './service.js';

const tags = ['sessions'];
const ICS_TYPE = 'text/calendar; charset=utf-8';
const IcsReply = Type.String({ description: 'an iCalendar (RFC 5545) document' });

export function sessionsRoutes(app: FastifyInstance, sessions: SessionsService, options: { feedsPerMinute: number }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/api/v1/sessions';

  r.get(
    base,
    {
      schema: {
        tags,
        summary: 'My session occurrences that reach into [from, to) (at most 62 days), every state, by start',
        querystring: SessionRangeQuery,
        response: { 200: SessionList },
      },
    },
    async (request) => ({
      items: unwrap(await sessions.calendar(request.auth.sub, Date.parse(request.query.from), Date.parse(request.query.to))),
    }),
  );
  r.post(
    base,
    {
      schema: {
        tags,
        summary: 'Propose a session (or a series) to a mate, in my time zone; 409 SESSION_OVERLAP names a booked session in the way',
        body: ProposeSessionBody,
        response: { 200: SessionOccurrence },
      },
    },
    async (request) => unwrap(await sessions.proposeSession(request.auth.sub, request.body)),
  );
  r.get(
    `${base}/suggestions`,
    {
      schema: {
        tags,
        summary: 'The next times both of us are available (our weekly schedules) and free',
        querystring: SuggestionsQuery,
        response: { 200: SessionSuggestions },
      },
    },
    async (request) => unwrap(await sessions.suggestions(request.auth.sub, request.query.mateId, request.query.minutes ?? 30)),
  );

  // The private feed: made and revoked by its owner; read by calendar apps with the token alone.
  r.get(
    `${base}/feed`,
    { schema: { tags, summary: 'Whether my private calendar feed is on', response: { 200: CalendarFeedStatus } } },
    async (request) => sessions.feedStatus(request.auth.sub),
  );
  r.post(
    `${base}/feed`,
    {
      schema: {
        tags,
        summary: 'A new private calendar feed URL (shown once); the previous one stops working',
        response: { 200: CalendarFeedCreated },
      },
    },
    async (request) => sessions.createFeed(request.auth.sub),
  );
  r.delete(
    `${base}/feed`,
    { schema: { tags, summary: 'Turn my calendar feed off', response: { 204: Type.Null() } } },
    async (request, reply) => {
      await sessions.revokeFeed(request.auth.sub);
      return reply.status(204).send(null);
    },
  );
  r.get(
    `${base}/feed.ics`,
    {
      config: { public: true, rateLimit: { max: options.feedsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: "A calendar app's subscription: my sessions as iCalendar, by the feed's secret token alone",
        security: [],
        querystring: CalendarFeedQuery,
        produces: ['text/calendar'],
      },
    },
    async (request, reply) => {
      const body = await sessions.feed(request.query.token);
      if (body === null) throw new AppError('NOT_FOUND', 'No such calendar.');
      return reply.type(ICS_TYPE).header('cache-control', 'private, no-store').send(body);
    },
  );

  r.get(
    `${base}/:sessionId`,
    {
      schema: {
        tags,
        summary: 'One session (its first occurrence, or ?index=)',
        params: SessionParams,
        querystring: Type.Object({ index: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: { 200: SessionOccurrence },
      },
    },
    async (request) => unwrap(await sessions.getSession(request.auth.sub, request.params.sessionId, request.query.index ?? 0)),
  );
  r.get(
    `${base}/:sessionId/ics`,
    {
      schema: {
        tags,
        summary: 'One session as an .ics file',
        params: SessionParams,
        response: { 200: IcsReply },
        produces: ['text/calendar'],
      },
    },
    async (request, reply) => {
      const body = unwrap(await sessions.sessionIcs(request.auth.sub, request.params.sessionId));
      return reply
        .type(ICS_TYPE)
        .header('content-disposition', `attachment; filename="studymate-session-${request.params.sessionId.slice(0, 8)}.ics"`)
        .send(body);
    },
  );
  r.post(
    `${base}/:sessionId/accept`,
    {
      schema: {
        tags,
        summary: 'Accept a proposed session (the partner only)',
        params: SessionParams,
        response: { 200: SessionOccurrence },
      },
    },
    async (request) => unwrap(await sessions.acceptSession(request.auth.sub, request.params.sessionId)),
  );
  r.post(
    `${base}/:sessionId/decline`,
    {
      schema: {
        tags,
        summary: 'Decline a proposed session (the partner only)',
        params: SessionParams,
        body: Type.Optional(DeclineSessionBody),
        response: { 200: SessionOccurrence },
      },
    },
    async (request) => unwrap(await sessions.declineSession(request.auth.sub, request.params.sessionId, request.body?.reason)),
  );
  r.post(
    `${base}/:sessionId/cancel`,
    {
      schema: {
        tags,
        summary: 'Cancel one occurrence (index) or the whole series, with a reason; the other person is told',
        params: SessionParams,
        body: CancelSessionBody,
        response: { 200: SessionOccurrence },
      },
    },
    async (request) => unwrap(await sessions.cancelSession(request.auth.sub, request.params.sessionId, request.body)),
  );
  r.post(
    `${base}/:sessionId/occurrences/:index/move`,
    {
      schema: {
        tags,
        summary: 'Ask to move one occurrence to a new time; the other person accepts or declines',
        params: OccurrenceParams,
        body: MoveSessionBody,
        response: { 200: SessionOccurrence },
      },
    },
    async (request) => unwrap(await sessions.proposeMove(request.auth.sub, request.params.sessionId, request.params.index, request.body)),
  );
  for (const [verb, accept] of [
    ['accept', true],
    ['decline', false],
  ] as const)
    r.post(
      `${base}/:sessionId/occurrences/:index/move/${verb}`,
      {
        schema: {
          tags,
          summary: `${accept ? 'Accept' : 'Decline'} the new time the other person asked for`,
          params: OccurrenceParams,
          response: { 200: SessionOccurrence },
        },
      },
      async (request) => unwrap(await sessions.answerMove(request.auth.sub, request.params.sessionId, request.params.index, accept)),
    );
}
