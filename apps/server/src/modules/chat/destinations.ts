import { Inbound } from '@studymate/contracts';
import type { RealtimeGateway } from '../../platform/realtime/gateway.js';
import { presenceEvent, type ChatService } from './service.js';

/**
 * The chat module's STOMP destinations: as thin as its routes. The gateway validates each body
 * against its schema first; a refusal ends the connection with an ERROR that names it, and a
 * RECEIPT goes out only after the handler resolved, so a receipted message is stored.
 */
export function chatDestinations(realtime: RealtimeGateway, chat: ChatService, limits: { messagesPerMinute: number }) {
  realtime.registerSubscription(
    '/sub/chat/rooms/{roomId}',
    async (principal, { roomId }) => (await chat.authorizeRoom(principal.userId, roomId)) !== null,
  );

  realtime.registerHandler(
    '/pub/chat/rooms/{roomId}/messages',
    async (principal, { roomId }, frame) => {
      const result = await chat.sendMessage(principal.userId, roomId, frame.payload);
      if (!result.ok) return { error: result.error };
    },
    // The HTTP route's budget (RATE_LIMIT_MESSAGES), per user over all their connections.
    { body: Inbound['/pub/chat/rooms/{roomId}/messages'], perUserPerMinute: limits.messagesPerMinute },
  );
  realtime.registerHandler(
    '/pub/chat/rooms/{roomId}/typing',
    async (principal, { roomId }, frame) => {
      const result = await chat.typing(principal.userId, roomId, frame.payload.typing);
      if (!result.ok) return { error: result.error };
    },
    { body: Inbound['/pub/chat/rooms/{roomId}/typing'], signal: true },
  );
  realtime.registerHandler(
    '/pub/chat/rooms/{roomId}/read',
    async (principal, { roomId }, frame) => {
      const result = await chat.markRead(principal.userId, roomId, frame.payload.seq);
      if (!result.ok) return { error: result.error };
    },
    { body: Inbound['/pub/chat/rooms/{roomId}/read'] },
  );

  // Presence: seen by the people one shares a room with, told whenever a connection opens, closes
  // or reports itself away or back.
  realtime.registerSubscription('/sub/presence/{userId}', async (principal, { userId }) => chat.mayWatchPresence(principal.userId, userId));
  realtime.registerHandler(
    '/pub/presence',
    async (principal, _params, frame) => {
      await realtime.setAway(principal, frame.payload.status === 'away');
    },
    { body: Inbound['/pub/presence'] },
  );
  // A membership that ended ends what it allowed, on every node: the room's subscriptions of the
  // person who left, and presence subscriptions between them and people they no longer share a
  // room with (both ways). The rest are asked again and stay.
  chat.onMembershipEnded((userId, roomId) => {
    const room = roomId === undefined ? null : `/sub/chat/rooms/${roomId}`;
    void realtime.reauthorize((principal, destination) =>
      principal.userId === userId
        ? (room === null ? destination.startsWith('/sub/chat/rooms/') : destination === room) || destination.startsWith('/sub/presence/')
        : destination === `/sub/presence/${userId}`,
    );
  });
  // Someone who hides their online status (or is suspended) reads as offline with no last seen.
  realtime.onPresenceChanged(async (userId, status) =>
    realtime.publish('/sub/presence/{userId}', { userId }, presenceEvent(userId, await chat.presenceAsShown(userId, status))),
  );
}
