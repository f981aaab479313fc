import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DataExport, DataExportReply, TermsBody } from '@studymate/contracts';
import { AppError, unwrap } from '../../platform/http/errors.js';
import type { UsersService } from './service.js';

export function usersRoutes(app: FastifyInstance, users: UsersService) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/api/v1/me/terms',
    { schema: { tags: ['account'], summary: 'Accept the terms (14+, terms of service, privacy; marketing optional)', body: TermsBody } },
    async (request, reply) => {
      unwrap(await users.acceptTerms(request.auth.sub, request.body));
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/me/exports',
    {
      schema: {
        tags: ['account'],
        summary: 'Start building my data export (a job); returns it with its progress',
        response: { 202: DataExport },
      },
    },
    async (request, reply) => reply.status(202).send(unwrap(await users.requestExport(request.auth.sub))),
  );
  r.get(
    '/api/v1/me/exports/latest',
    {
      schema: {
        tags: ['account'],
        summary: 'My latest data export: progress while it is built, then ready for a day',
        response: { 200: DataExportReply },
      },
    },
    async (request) => ({ export: await users.latestExport(request.auth.sub) }),
  );
  r.get(
    '/api/v1/me/exports/:exportId/download',
    {
      schema: {
        tags: ['account'],
        summary: 'Download a ready data export (JSON)',
        params: Type.Object({ exportId: Type.String({ format: 'uuid' }) }),
      },
    },
    async (request, reply) => {
      const file = await users.readExport(request.auth.sub, request.params.exportId);
      if (!file) throw new AppError('NOT_FOUND', 'No such export, or it has expired.');
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-length', file.size)
        .header('content-disposition', `attachment; filename="studymate-export-${new Date().toISOString().slice(0, 10)}.json"`)
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );
  r.delete(
    '/api/v1/me',
    { schema: { tags: ['account'], summary: 'Delete my account and erase my personal data' } },
    async (request, reply) => {
      unwrap(await users.deleteAccount(request.auth.sub));
      return reply.status(204).send();
    },
  );
}
