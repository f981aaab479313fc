import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  Attachment,
  ChatMessage,
  DirectRoomBody,
  EditMessageBody,
  FileList,
  GroupRoomBody,
  HistoryQuery,
  MemberBody,
  MessagePage,
  ReadBody,
  RoomList,
  RoomSummary,
  SearchQuery,
  SendMessageBody,
  SignedLinkQuery,
  TranslateBody,
  TranslateReply,
  TypingBody,
} from '@studymate/contracts';
import { AppError, unwrap } from '../../platform/http/errors.js';
import { sendStoredFile } from '../../platform/http/downloads.js';
import { readUpload } from '../../platform/http/uploads.js';
import type { ChatService } from './service.js';

const RoomParams = Type.Object({ roomId: Type.String({ format: 'uuid' }) });
const MemberParams = Type.Object({ roomId: Type.String({ format: 'uuid' }), userId: Type.String({ format: 'uuid' }) });
const MessageParams = Type.Object({ messageId: Type.String({ format: 'uuid' }) });
const tags = ['chat'];

export function chatRoutes(app: FastifyInstance, chat: ChatService, limits: { uploadsPerMinute: number; messagesPerMinute: number }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/api/v1/chat';

  r.get(
    `${base}/rooms`,
    { schema: { tags, summary: 'My rooms with last message, unread count and members', response: { 200: RoomList } } },
    async (request) => ({
      items: await chat.listRooms(request.auth.sub),
    }),
  );
  r.get(
    `${base}/rooms/:roomId`,
    { schema: { tags, summary: 'One of my rooms', params: RoomParams, response: { 200: RoomSummary } } },
    async (request) => unwrap(await chat.room(request.auth.sub, request.params.roomId)),
  );
  r.post(
    `${base}/rooms/direct`,
    {
      schema: {
        tags,
        summary: 'Open the 1:1 room with a partner (one per pair; idempotent)',
        body: DirectRoomBody,
        response: { 200: RoomSummary },
      },
    },
    async (request) => unwrap(await chat.openDirectRoom(request.auth.sub, request.body.partnerId)),
  );
  r.post(
    `${base}/rooms/group`,
    {
      schema: {
        tags,
        summary: 'Create a group room (at most 20 members); I am its owner',
        body: GroupRoomBody,
        response: { 200: RoomSummary },
      },
    },
    async (request) => unwrap(await chat.createGroup(request.auth.sub, request.body.name, request.body.memberIds)),
  );
  r.post(
    `${base}/rooms/:roomId/members`,
    { schema: { tags, summary: 'Invite someone to my group', params: RoomParams, body: MemberBody, response: { 200: RoomSummary } } },
    async (request) => unwrap(await chat.invite(request.auth.sub, request.params.roomId, request.body.userId)),
  );
  r.delete(
    `${base}/rooms/:roomId/members/me`,
    { schema: { tags, summary: 'Leave a group', params: RoomParams } },
    async (request, reply) => {
      unwrap(await chat.leave(request.auth.sub, request.params.roomId));
      return reply.status(204).send();
    },
  );
  r.delete(
    `${base}/rooms/:roomId/members/:userId`,
    {
      schema: { tags, summary: 'Remove a member from my group (owner only)', params: MemberParams, response: { 200: RoomSummary } },
    },
    async (request) => unwrap(await chat.removeMember(request.auth.sub, request.params.roomId, request.params.userId)),
  );
  r.put(
    `${base}/rooms/:roomId/owner`,
    {
      schema: {
        tags,
        summary: 'Hand my group over to another member',
        params: RoomParams,
        body: MemberBody,
        response: { 200: RoomSummary },
      },
    },
    async (request) => unwrap(await chat.handOver(request.auth.sub, request.params.roomId, request.body.userId)),
  );

  r.get(
    `${base}/rooms/:roomId/messages`,
    {
      schema: {
        tags,
        summary: 'History: newest first with `before`, or catch-up oldest first with `after`',
        params: RoomParams,
        querystring: HistoryQuery,
        response: { 200: MessagePage },
      },
    },
    async (request) => unwrap(await chat.history(request.auth.sub, request.params.roomId, request.query)),
  );
  r.post(
    `${base}/rooms/:roomId/messages`,
    {
      config: { rateLimit: { max: limits.messagesPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'Send a message (also possible over STOMP); a retry with the same clientId is stored once',
        params: RoomParams,
        body: SendMessageBody,
        response: { 200: ChatMessage },
      },
    },
    async (request) => unwrap(await chat.sendMessage(request.auth.sub, request.params.roomId, request.body)),
  );
  r.get(
    `${base}/rooms/:roomId/search`,
    {
      schema: {
        tags,
        summary: 'Search the messages of a room',
        params: RoomParams,
        querystring: SearchQuery,
        response: { 200: Type.Object({ items: Type.Array(ChatMessage) }) },
      },
    },
    async (request) => unwrap(await chat.search(request.auth.sub, request.params.roomId, request.query.q, request.query.limit)),
  );
  r.post(
    `${base}/rooms/:roomId/read`,
    { schema: { tags, summary: 'Mark messages read up to seq', params: RoomParams, body: ReadBody } },
    async (request, reply) => {
      unwrap(await chat.markRead(request.auth.sub, request.params.roomId, request.body.seq));
      return reply.status(204).send();
    },
  );
  r.post(
    `${base}/rooms/:roomId/typing`,
    { schema: { tags, summary: 'Tell the room I am typing (not stored)', params: RoomParams, body: TypingBody } },
    async (request, reply) => {
      unwrap(await chat.typing(request.auth.sub, request.params.roomId, request.body.typing));
      return reply.status(204).send();
    },
  );
  r.patch(
    `${base}/messages/:messageId`,
    { schema: { tags, summary: 'Edit my message', params: MessageParams, body: EditMessageBody, response: { 200: ChatMessage } } },
    async (request) => unwrap(await chat.editMessage(request.auth.sub, request.params.messageId, request.body.body)),
  );
  r.delete(
    `${base}/messages/:messageId`,
    { schema: { tags, summary: 'Delete my message', params: MessageParams, response: { 200: ChatMessage } } },
    async (request) => unwrap(await chat.deleteMessage(request.auth.sub, request.params.messageId)),
  );
  r.post(
    `${base}/messages/:messageId/translate`,
    {
      schema: {
        tags,
        summary: 'Translate a message (503 UNAVAILABLE when no provider is configured)',
        params: MessageParams,
        body: TranslateBody,
        response: { 200: TranslateReply },
      },
    },
    async (request) => unwrap(await chat.translate(request.auth.sub, request.params.messageId, request.body.target)),
  );

  r.post(
    `${base}/rooms/:roomId/attachments`,
    {
      config: { rateLimit: { max: limits.uploadsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary:
          'Upload an image, voice note or file (multipart field "file", at most 10 MB; a voice note may add "durationMs" and "waveform", 32 digits 0-9); then send a message that references it',
        params: RoomParams,
        consumes: ['multipart/form-data'],
        response: { 200: Attachment },
      },
    },
    async (request) => {
      const { bytes, fileName, fields } = await readUpload(request, 'file', ['durationMs', 'waveform']);
      return unwrap(await chat.uploadAttachment(request.auth.sub, request.params.roomId, bytes, fileName, fields));
    },
  );
  r.get(
    `${base}/attachments/:attachmentId`,
    {
      schema: {
        tags,
        summary: 'Download an attachment of one of my rooms',
        params: Type.Object({ attachmentId: Type.String({ format: 'uuid' }) }),
      },
    },
    async (request, reply) => {
      const file = await chat.readAttachment(request.auth.sub, request.params.attachmentId);
      if (!file) throw new AppError('NOT_FOUND', 'No such file.');
      return sendStoredFile(reply, file, { inline: file.kind !== 'file', cacheControl: 'private, max-age=3600' });
    },
  );
  r.get(
    `${base}/attachments/:attachmentId/link`,
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Download an attachment through a signed link of a data export, until it expires',
        // The signature in the link is the credential: a data export is opened outside the app.
        security: [],
        params: Type.Object({ attachmentId: Type.String({ format: 'uuid' }) }),
        querystring: SignedLinkQuery,
      },
    },
    async (request, reply) => {
      const { expires, sig } = request.query;
      const file = await chat.readLinkedAttachment(request.params.attachmentId, expires, sig);
      if (!file) throw new AppError('NOT_FOUND', 'No such file, or the link has expired.');
      return sendStoredFile(reply, file, { cacheControl: 'private, no-store' });
    },
  );
  r.get(
    `${base}/files`,
    { schema: { tags, summary: 'Files shared in my rooms, newest first', response: { 200: FileList } } },
    async (request) => chat.sharedFiles(request.auth.sub),
  );
}
