import type { ChatService } from '../chat/service.js';
import type { ModuleContext } from '../module-context.js';
import type { NotificationsService } from '../notifications/service.js';
import { ownTables } from '../module-context.js';
import type { ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import { callsDestinations } from './destinations.js';
import type { CallsTables } from './repository.js';
import { callsRoutes } from './routes.js';
import { createCallsService, type MateRules, type SessionCallPort } from './service.js';

/** 1:1 video and voice calls: ringing, signalling over STOMP, TURN credentials, legs and ratings. */
export function callsModule(
  { app, db, realtime, jobs, events, config }: ModuleContext,
  {
    users,
    profile,
    chat,
    notifications,
    mates,
    sessions,
  }: {
    users: UsersService;
    profile: ProfileService;
    chat: ChatService;
    notifications: NotificationsService;
    mates: MateRules;
    /** Booked sessions (the sessions module); without it, a call for a session is refused as not found. */
    sessions?: SessionCallPort;
  },
) {
  const calls = createCallsService({
    db: ownTables<CallsTables>(db),
    names: (ids, viewerId) => users.namesOf(ids, { viewerId }),
    photos: (ids) => profile.photoUrlsOf(ids),
    rooms: chat,
    mates,
    sessions,
    signals: {
      toCall: (callId, event) => realtime.publish('/sub/calls/{callId}', { callId }, event),
      toUser: (userId, invite) => realtime.sendToUser(userId, 'calls', invite),
    },
    // Once per call (the key), even when the ring job runs again after a crash.
    missed: ({ userId, callId, callerId, callerName, kind, roomId }) =>
      notifications.send({
        userId,
        category: 'session',
        kind: 'missed-call',
        title: { ko: `${callerName} 님의 부재중 ${kind === 'video' ? '영상' : '음성'} 통화`, en: `Missed ${kind} call from ${callerName}` },
        body: { ko: '대화방에서 다시 걸 수 있어요.', en: 'You can call back from your chat.' },
        link: roomId ? `/chat/${roomId}` : '/mates',
        key: `missed-call:${callId}`,
        about: callerId,
      }),
    completed: (tx, payload) => events.publish(tx, 'call.completed', payload),
    delivered: () => events.deliver(),
    jobs,
    warn: (error) => app.log.warn({ err: error }, 'calls heartbeat failed'),
    turn: config.turn,
    timing: config.calls,
  });
  app.addHook('onClose', async () => calls.stop());
  users.addParticipant(calls.participant);
  callsDestinations(realtime, calls);
  callsRoutes(app, calls);
  return calls;
}
