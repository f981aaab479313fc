import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TermsBody } from '@studymate/contracts';
import { unwrap } from '../../platform/http/errors.js';
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
  r.get('/api/v1/me/export', { schema: { tags: ['account'], summary: 'Download all my data as JSON' } }, async (request, reply) => {
    const data = unwrap(await users.exportAccount(request.auth.sub));
    return reply
      .header('content-disposition', `attachment; filename="studymate-export-${new Date().toISOString().slice(0, 10)}.json"`)
      .header('cache-control', 'no-store')
      .send(data);
  });
  r.delete(
    '/api/v1/me',
    { schema: { tags: ['account'], summary: 'Delete my account and erase my personal data' } },
    async (request, reply) => {
      unwrap(await users.deleteAccount(request.auth.sub));
      return reply.status(204).send();
    },
  );
}
