import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AchievementList, Dashboard, Statistics, StatisticsQuery } from '@studymate/contracts';
import type { ProgressService } from './service.js';

const tags = ['progress'];

export function progressRoutes(app: FastifyInstance, progress: ProgressService) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/api/v1/progress';

  r.get(
    `${base}/dashboard`,
    { schema: { tags, summary: 'My practice, streak, partners, next session, levels and weekly goal', response: { 200: Dashboard } } },
    async (request) => progress.dashboard(request.auth.sub),
  );
  r.get(
    `${base}/statistics`,
    {
      schema: {
        tags,
        summary: 'Practice over this week, month or the last 12 months; session types, languages, top partners, level tests',
        querystring: StatisticsQuery,
        response: { 200: Statistics },
      },
    },
    async (request) => progress.statistics(request.auth.sub, request.query.range ?? 'week'),
  );
  r.get(
    `${base}/achievements`,
    {
      schema: { tags, summary: 'Every achievement with my progress toward it and when it was awarded', response: { 200: AchievementList } },
    },
    async (request) => progress.achievements(request.auth.sub),
  );
}
