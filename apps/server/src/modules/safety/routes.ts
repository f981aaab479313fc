import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ActionBody,
  AdminPerson,
  AdminReport,
  AdminReportDetail,
  AdminReportList,
  AdminUserHits,
  AdminUserQuery,
  AuditList,
  LiftBody,
  MyReport,
  MyReportList,
  MyStanding,
  PlatformFigures,
  PrivacySettings,
  ReportBody,
  ReportQueueQuery,
  Sanction,
  SanctionBody,
  ScreenWordBody,
  ScreenWordList,
  Uuid,
} from '@studymate/contracts';
import { requireAdmin } from '../../platform/auth/guard.js';
import { unwrap } from '../../platform/http/errors.js';
import type { SafetyService } from './service.js';
import type { Screening } from './screening.js';

const IdParams = Type.Object({ id: Uuid });

export function safetyRoutes(app: FastifyInstance, safety: SafetyService, screening: Screening, limits: { reportsPerMinute: number }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['safety'];

  r.post(
    '/api/v1/reports',
    {
      schema: {
        tags,
        summary: 'Report a person or one of their messages; the conversation around it is kept as evidence',
        body: ReportBody,
        response: { 201: MyReport },
      },
      config: {
        rateLimit: { max: limits.reportsPerMinute, timeWindow: 60_000, keyGenerator: (request) => request.auth?.sub ?? request.ip },
      },
    },
    async (request, reply) => {
      const report = unwrap(await safety.report(request.auth.sub, request.body));
      // A report comment is screened too: abuse hidden in a report counts toward its writer's flags.
      await screening.screenText(request.auth.sub, 'report-comment', request.body.comment, report.id);
      return reply.status(201).send(report);
    },
  );
  r.get(
    '/api/v1/reports/mine',
    { schema: { tags, summary: 'The reports I made and their state', response: { 200: MyReportList } } },
    async (request) => safety.myReports(request.auth.sub),
  );
  r.get(
    '/api/v1/me/standing',
    { schema: { tags, summary: 'Warnings I have not seen yet (shown at sign-in)', response: { 200: MyStanding } } },
    async (request) => safety.myStanding(request.auth.sub),
  );
  r.post(
    '/api/v1/me/standing/warnings/:id/seen',
    { schema: { tags, summary: 'I have read this warning', params: IdParams } },
    async (request, reply) => {
      await safety.acknowledgeWarning(request.auth.sub, request.params.id);
      return reply.status(204).send();
    },
  );
  r.get('/api/v1/me/privacy', { schema: { tags, summary: 'My privacy settings', response: { 200: PrivacySettings } } }, async (request) =>
    safety.privacy(request.auth.sub),
  );
  r.put(
    '/api/v1/me/privacy',
    {
      schema: {
        tags,
        summary: 'Change my privacy settings; they apply at once everywhere',
        body: PrivacySettings,
        response: { 200: PrivacySettings },
      },
    },
    async (request) => safety.setPrivacy(request.auth.sub, request.body),
  );

  // ---- administration: every route below refuses anyone whose token is not an administrator's ----
  // onRequest, after the sign-in guard and before the body is read or validated: a non-admin learns nothing of the shapes.
  const admin = { onRequest: async (request: Parameters<typeof requireAdmin>[0]) => requireAdmin(request) };
  const atags = ['admin'];
  r.get(
    '/api/v1/admin/reports',
    {
      ...admin,
      schema: {
        tags: atags,
        summary: 'The reports queue, oldest first',
        querystring: ReportQueueQuery,
        response: { 200: AdminReportList },
      },
    },
    async (request) => safety.queue(request.query),
  );
  r.get(
    '/api/v1/admin/reports/:id',
    {
      ...admin,
      schema: {
        tags: atags,
        summary: 'A report with its evidence and the person’s history',
        params: IdParams,
        response: { 200: AdminReportDetail },
      },
    },
    async (request) => unwrap(await safety.reportDetail(request.params.id)),
  );
  r.post(
    '/api/v1/admin/reports/:id/actions',
    {
      ...admin,
      schema: {
        tags: atags,
        summary: 'Dismiss, warn, suspend or ban, with a reason (written to the audit log)',
        params: IdParams,
        body: ActionBody,
        response: { 200: AdminReport },
      },
    },
    async (request) => unwrap(await safety.act(request.auth.sub, request.params.id, request.body)),
  );
  r.get(
    '/api/v1/admin/users',
    {
      ...admin,
      schema: {
        tags: atags,
        summary: 'Look people up by name, e-mail or id',
        querystring: AdminUserQuery,
        response: { 200: AdminUserHits },
      },
    },
    async (request) => safety.lookup(request.query.q),
  );
  r.get(
    '/api/v1/admin/users/:id',
    {
      ...admin,
      schema: {
        tags: atags,
        summary: 'A person’s history: reports, sanctions, account age',
        params: IdParams,
        response: { 200: AdminPerson },
      },
    },
    async (request) => unwrap(await safety.person(request.params.id)),
  );
  r.post(
    '/api/v1/admin/users/:id/sanctions',
    {
      ...admin,
      schema: {
        tags: atags,
        summary: 'Warn, suspend or ban a person without a report',
        params: IdParams,
        body: SanctionBody,
        response: { 201: Sanction },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          unwrap(await safety.sanction(request.auth.sub, request.params.id, request.body.kind, request.body.reason, request.body.days)),
        ),
  );
  r.post(
    '/api/v1/admin/users/:id/lift',
    { ...admin, schema: { tags: atags, summary: 'End a suspension or ban early', params: IdParams, body: LiftBody } },
    async (request, reply) => {
      unwrap(await safety.lift(request.auth.sub, request.params.id, request.body.reason));
      return reply.status(204).send();
    },
  );
  r.get(
    '/api/v1/admin/audit',
    { ...admin, schema: { tags: atags, summary: 'The audit log of administrators’ actions (append-only)', response: { 200: AuditList } } },
    async () => safety.audit(),
  );
  r.get(
    '/api/v1/admin/figures',
    {
      ...admin,
      schema: {
        tags: atags,
        summary: 'Platform figures per day',
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) }),
        response: { 200: PlatformFigures },
      },
    },
    async (request) => safety.figures(request.query.days ?? 30),
  );
  r.get(
    '/api/v1/admin/words',
    { ...admin, schema: { tags: atags, summary: 'The administrators’ own screening words', response: { 200: ScreenWordList } } },
    async () => screening.adminWords(),
  );
  r.post(
    '/api/v1/admin/words',
    { ...admin, schema: { tags: atags, summary: 'Add a screening word', body: ScreenWordBody } },
    async (request, reply) => {
      await screening.addWord(request.auth.sub, request.body.word);
      return reply.status(204).send();
    },
  );
  r.delete(
    '/api/v1/admin/words/:word',
    {
      ...admin,
      schema: { tags: atags, summary: 'Remove a screening word', params: Type.Object({ word: Type.String({ maxLength: 60 }) }) },
    },
    async (request, reply) => {
      await screening.removeWord(request.auth.sub, request.params.word);
      return reply.status(204).send();
    },
  );
}
