import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CATALOG, CatalogReply, ONBOARDING_STEPS, OnboardingStatus, PhotoReply, Profile, STEP_SCHEMAS } from '@studymate/contracts';
import { AppError, unwrap } from '../../platform/http/errors.js';
import { readUpload } from '../../platform/http/uploads.js';
import type { ProfileService } from './service.js';

export function profileRoutes(app: FastifyInstance, profile: ProfileService, limits: { uploadsPerMinute: number }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/catalog',
    {
      config: { public: true },
      schema: {
        tags: ['profile'],
        summary: 'Every option list, labelled in Korean and English',
        security: [],
        response: { 200: CatalogReply },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').send(CATALOG),
  );

  // Sent as the cached JSON string, which Fastify passes through unserialised (hence the untyped
  // `app`); the schema still documents the reply.
  app.get(
    '/api/v1/me',
    { schema: { tags: ['profile'], summary: 'My account and profile', response: { 200: Profile } } },
    async (request, reply) => reply.type('application/json; charset=utf-8').send(unwrap(await profile.myProfileJson(request.auth.sub))),
  );

  r.get(
    '/api/v1/onboarding',
    { schema: { tags: ['onboarding'], summary: 'Which steps are saved and which comes next', response: { 200: OnboardingStatus } } },
    async (request) => profile.onboardingStatus(request.auth.sub),
  );

  for (const step of ONBOARDING_STEPS) {
    const body: TSchema = STEP_SCHEMAS[step];
    r.get(
      `/api/v1/onboarding/${step}`,
      { schema: { tags: ['onboarding'], summary: `Read the saved ${step} step`, response: { 200: body } } },
      async (request) => unwrap(await profile.getStep(request.auth.sub, step)),
    );
    r.put(
      `/api/v1/onboarding/${step}`,
      { schema: { tags: ['onboarding'], summary: `Save the ${step} step on its own`, body, response: { 200: OnboardingStatus } } },
      async (request) => unwrap(await profile.saveStep(request.auth.sub, step, request.body as never)),
    );
  }

  r.post(
    '/api/v1/me/photo',
    {
      config: { rateLimit: { max: limits.uploadsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['profile'],
        summary: 'Upload my profile photo (multipart field "photo"; JPEG, PNG or WebP, at most 10 MB)',
        consumes: ['multipart/form-data'],
        response: { 200: PhotoReply },
      },
    },
    async (request) => {
      const { bytes } = await readUpload(request, 'photo');
      return unwrap(await profile.setPhoto(request.auth.sub, bytes));
    },
  );

  r.delete('/api/v1/me/photo', { schema: { tags: ['profile'], summary: 'Remove my profile photo' } }, async (request, reply) => {
    await profile.removePhoto(request.auth.sub);
    return reply.status(204).send();
  });

  r.get(
    '/api/v1/photos/:id',
    {
      config: { public: true },
      schema: {
        tags: ['profile'],
        summary: 'A profile photo (unguessable id)',
        security: [],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request, reply) => {
      const photo = await profile.readPhoto(request.params.id);
      if (!photo) throw new AppError('NOT_FOUND', 'No such photo.');
      return reply
        .header('content-type', photo.contentType)
        .header('content-length', photo.size)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(photo.body);
    },
  );
}
