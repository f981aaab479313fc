import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AcceptReply,
  BlockBody,
  BlockedList,
  ContactReply,
  LocaleQuery,
  MateList,
  MatchRequest,
  PartnerCard,
  PartnerSearchQuery,
  PersonParams,
  QuickMatchQuery,
  QuickMatchReply,
  RecommendationPage,
  RecommendationsQuery,
  RequestList,
  RequestParams,
  SearchReply,
  SendRequestBody,
} from '@studymate/contracts';
import type { Locale } from '@studymate/matching';
import { unwrap } from '../../platform/http/errors.js';
import type { MatchingService } from './service.js';

const tags = ['matching'];
const OnlyLocale = Type.Object({ locale: LocaleQuery });

/** Reasons in the language asked for, else the browser's, Korean first. */
const localeOf = (request: FastifyRequest, asked?: Locale): Locale =>
  asked ?? (/^en\b/i.test(request.headers['accept-language'] ?? '') ? 'en' : 'ko');

export function matchingRoutes(app: FastifyInstance, matching: MatchingService) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/api/v1/matching';

  r.get(
    `${base}/recommendations`,
    {
      schema: {
        tags,
        summary: 'Partners ranked by reciprocal compatibility, with reasons; 20 per page, at most 5 pages',
        querystring: RecommendationsQuery,
        response: { 200: RecommendationPage },
      },
    },
    async (request) => matching.recommendations(request.auth.sub, request.query.page ?? 1, localeOf(request, request.query.locale)),
  );
  r.get(
    `${base}/search`,
    {
      schema: {
        tags,
        summary: 'Search partners by language, level range, topics, gender, age, shared hours a week and online now',
        querystring: PartnerSearchQuery,
        response: { 200: SearchReply },
      },
    },
    async (request) => ({
      items: await matching.search(request.auth.sub, request.query, localeOf(request, request.query.locale)),
    }),
  );
  r.get(
    `${base}/people/:userId`,
    {
      schema: {
        tags,
        summary: 'One person as a partner card, with our compatibility',
        params: PersonParams,
        querystring: OnlyLocale,
        response: { 200: PartnerCard },
      },
    },
    async (request) => unwrap(await matching.person(request.auth.sub, request.params.userId, localeOf(request, request.query.locale))),
  );

  r.post(
    `${base}/requests`,
    {
      schema: {
        tags,
        summary: 'Ask someone to be my partner, with a short message (5 a day; one waiting per pair)',
        body: SendRequestBody,
        response: { 200: MatchRequest },
      },
    },
    async (request) => unwrap(await matching.sendRequest(request.auth.sub, request.body, localeOf(request))),
  );
  r.get(
    `${base}/requests/received`,
    { schema: { tags, summary: 'Requests waiting for my answer', querystring: OnlyLocale, response: { 200: RequestList } } },
    async (request) => ({ items: await matching.receivedRequests(request.auth.sub, localeOf(request, request.query.locale)) }),
  );
  r.get(
    `${base}/requests/sent`,
    {
      schema: {
        tags,
        summary: 'Requests I sent: pending, accepted, no answer (after 7 days, or declined), cancelled',
        querystring: OnlyLocale,
        response: { 200: RequestList },
      },
    },
    async (request) => ({ items: await matching.sentRequests(request.auth.sub, localeOf(request, request.query.locale)) }),
  );
  r.post(
    `${base}/requests/:requestId/accept`,
    {
      schema: {
        tags,
        summary: 'Accept: we become mates and our 1:1 room opens; the sender is told at once',
        params: RequestParams,
        response: { 200: AcceptReply },
      },
    },
    async (request) => unwrap(await matching.acceptRequest(request.auth.sub, request.params.requestId)),
  );
  r.post(
    `${base}/requests/:requestId/decline`,
    { schema: { tags, summary: 'Decline, silently to the sender', params: RequestParams } },
    async (request, reply) => {
      unwrap(await matching.declineRequest(request.auth.sub, request.params.requestId));
      return reply.status(204).send();
    },
  );
  r.delete(
    `${base}/requests/:requestId`,
    { schema: { tags, summary: 'Cancel a request I sent', params: RequestParams } },
    async (request, reply) => {
      unwrap(await matching.cancelRequest(request.auth.sub, request.params.requestId));
      return reply.status(204).send();
    },
  );

  r.get(
    `${base}/mates`,
    {
      schema: { tags, summary: 'My mates with presence, compatibility and our room', querystring: OnlyLocale, response: { 200: MateList } },
    },
    async (request) => ({ items: await matching.mates(request.auth.sub, localeOf(request, request.query.locale)) }),
  );
  r.delete(
    `${base}/mates/:userId`,
    { schema: { tags, summary: 'Unmatch: our chat stays readable, no new messages', params: PersonParams } },
    async (request, reply) => {
      unwrap(await matching.unmatch(request.auth.sub, request.params.userId));
      return reply.status(204).send();
    },
  );

  r.post(
    `${base}/quick`,
    {
      schema: {
        tags,
        summary: 'Quick match: join the queue (or check in again, every 20 s) for a compatible partner online now',
        querystring: QuickMatchQuery,
        response: { 200: QuickMatchReply },
      },
    },
    async (request) => matching.joinQuickMatch(request.auth.sub, request.query.relaxed ?? false),
  );
  r.delete(`${base}/quick`, { schema: { tags, summary: 'Leave the quick-match queue' } }, async (request, reply) => {
    await matching.leaveQuickMatch(request.auth.sub);
    return reply.status(204).send();
  });

  r.get(
    `${base}/blocks`,
    { schema: { tags, summary: 'People I blocked (settings, to unblock)', response: { 200: BlockedList } } },
    async (request) => ({ items: await matching.blocked(request.auth.sub) }),
  );
  r.post(
    `${base}/blocks`,
    {
      schema: { tags, summary: 'Block someone: we never see each other, requests between us are withdrawn, no messages', body: BlockBody },
    },
    async (request, reply) => {
      unwrap(await matching.block(request.auth.sub, request.body.userId));
      return reply.status(204).send();
    },
  );
  r.get(
    `${base}/contacts/:userId`,
    {
      schema: {
        tags,
        summary: 'Whether I may write to this person: open, read-only (unmatched) or blocked (either way)',
        params: PersonParams,
        response: { 200: ContactReply },
      },
    },
    async (request) => ({ state: await matching.contact(request.auth.sub, request.params.userId) }),
  );
  r.delete(`${base}/blocks/:userId`, { schema: { tags, summary: 'Unblock', params: PersonParams } }, async (request, reply) => {
    unwrap(await matching.unblock(request.auth.sub, request.params.userId));
    return reply.status(204).send();
  });
}
