import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  Announcement,
  AnnouncementReply,
  NotificationPage,
  NotificationSettings,
  NotificationSettingsBody,
  NotificationsQuery,
  UnreadCount,
} from '@studymate/contracts';
import { requireAdmin } from '../../platform/auth/guard.js';
import { unwrap } from '../../platform/http/errors.js';
import type { NotificationsService } from './service.js';

const tags = ['notifications'];
const MarkReadBody = Type.Object({
  /** The notifications to mark; absent marks every one. */
  ids: Type.Optional(Type.Array(Type.String({ format: 'uuid', 'x-canonical-uuid': true }), { minItems: 1, maxItems: 100 })),
});

export function notificationsRoutes(app: FastifyInstance, notifications: NotificationsService) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/api/v1/notifications';

  r.get(
    base,
    {
      schema: {
        tags,
        summary: 'My notifications, newest first, 20 a page',
        querystring: NotificationsQuery,
        response: { 200: NotificationPage },
      },
    },
    async (request) => unwrap(await notifications.list(request.auth.sub, request.query)),
  );
  r.get(`${base}/unread-count`, { schema: { tags, summary: 'How many are unread', response: { 200: UnreadCount } } }, async (request) => ({
    unread: await notifications.unread(request.auth.sub),
  }));
  r.post(
    `${base}/read`,
    {
      schema: {
        tags,
        summary: 'Mark some, or all, read; my other devices hear the new count',
        body: MarkReadBody,
        response: { 200: UnreadCount },
      },
    },
    async (request) => ({ unread: await notifications.markRead(request.auth.sub, request.body.ids ?? 'all') }),
  );
  r.delete(
    `${base}/:id`,
    { schema: { tags, summary: 'Delete one', params: Type.Object({ id: Type.String({ format: 'uuid', 'x-canonical-uuid': true }) }) } },
    async (request, reply) => {
      unwrap(await notifications.remove(request.auth.sub, request.params.id));
      return reply.status(204).send();
    },
  );
  r.get(
    `${base}/settings`,
    { schema: { tags, summary: 'My notification settings', response: { 200: NotificationSettings } } },
    async (request) => notifications.settings(request.auth.sub),
  );
  r.put(
    `${base}/settings`,
    {
      schema: {
        tags,
        summary: 'Change my notification settings: language (the app sends its own), categories turned off, quiet hours',
        body: NotificationSettingsBody,
        response: { 200: NotificationSettings },
      },
    },
    async (request) => notifications.saveSettings(request.auth.sub, request.body),
  );
  r.post(
    '/api/v1/admin/announcements',
    {
      // Before the body is read: someone who is not an administrator learns nothing of its shape.
      onRequest: async (request) => requireAdmin(request),
      schema: {
        tags: ['admin'],
        summary: 'Send a system notice, in Korean and English, to up to 1,000 people or to everyone active (administrators only)',
        body: Announcement,
        response: { 200: AnnouncementReply },
      },
    },
    // The notifications' clock starts when the request arrived (reply.elapsedTime is since then).
    async (request, reply) => notifications.announce(request.body, Date.now() - reply.elapsedTime),
  );
}
