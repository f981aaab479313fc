import type { ChatService } from '../chat/service.js';
import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import { callsDestinations } from './destinations.js';
import type { CallsTables } from './repository.js';
import { callsRoutes } from './routes.js';
import { createCallsService, type MateRules, type SessionCallPort } from './service.js';

/** 1:1 video and voice calls: ringing, signalling over STOMP, TURN credentials, legs and ratings. */
export function callsModule(
  { app, db, realtime, jobs, config }: ModuleContext,
  {
    users,
    profile,
    chat,
    mates,
    sessions,
  }: { users: UsersService; profile: ProfileService; chat: ChatService; mates: MateRules; sessions?: SessionCallPort },
) {
  const calls = createCallsService({
    db: ownTables<CallsTables>(db),
    names: (ids) => users.namesOf(ids),
    photos: (ids) => profile.photoUrlsOf(ids),
    rooms: chat,
    mates,
    sessions,
    signals: {
      toCall: (callId, event) => realtime.publish('/sub/calls/{callId}', { callId }, event),
      toUser: (userId, invite) => realtime.sendToUser(userId, 'calls', invite),
    },
    missed: async ({ userId, callId, callerName, kind }) =>
      realtime.sendToUser(userId, 'notifications', {
        id: `missed-call:${callId}`,
        kind: 'missed-call',
        title: callerName,
        body: kind === 'video' ? 'Missed video call' : 'Missed voice call',
        link: `/chat`,
        createdAt: new Date().toISOString(),
      }),
    jobs,
    turn: config.turn,
    timing: config.calls,
  });
  users.addParticipant(calls.participant);
  callsDestinations(realtime, calls);
  callsRoutes(app, calls);
  return calls;
}
