import { openAiCompatibleTranslator } from '../../platform/translation/translator.js';
import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { NotificationsService } from '../notifications/service.js';
import type { ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import { chatDestinations } from './destinations.js';
import type { ChatTables } from './repository.js';
import { chatRoutes } from './routes.js';
import { chatTally } from './tally.js';
import { createChatService, type ContactRules } from './service.js';

/** Rooms, messages, attachments, presence of members; HTTP routes and STOMP destinations. */
export function chatModule(
  { app, db, storage, bus, realtime, config, cache, jobs, events, links }: ModuleContext,
  {
    users,
    profile,
    notifications,
    contacts,
    screen,
    roomName,
    presenceShown,
  }: {
    users: UsersService;
    profile: ProfileService;
    notifications: NotificationsService;
    contacts?: ContactRules;
    screen?: Parameters<typeof createChatService>[0]['screen'];
    roomName?: Parameters<typeof createChatService>[0]['roomName'];
    presenceShown?: (userId: string) => Promise<boolean>;
  },
) {
  const chat = createChatService({
    db: ownTables<ChatTables>(db),
    users,
    profile,
    storage,
    bus,
    broadcaster: {
      toRoom: (roomId, event) => realtime.publish('/sub/chat/rooms/{roomId}', { roomId }, event),
    },
    notifications,
    translator: config.translation ? openAiCompatibleTranslator(config.translation) : null,
    presence: (userId) => realtime.presence(userId),
    contacts,
    links,
    screen,
    roomName,
    presenceShown,
    cache,
    limits: { groupsPerDay: config.http.rateLimitGroupsPerDay, newContactsPerDay: config.http.rateLimitNewContactsPerDay },
  });
  users.addParticipant(chat.participant);
  chatDestinations(realtime, chat, { messagesPerMinute: config.http.rateLimitMessages });
  chatRoutes(app, chat, { uploadsPerMinute: config.http.rateLimitUpload, messagesPerMinute: config.http.rateLimitMessages });
  // Messages sent reach progress as one event per sender a minute, never from the send path.
  const tally = chatTally({ db: ownTables<ChatTables>(db), jobs, events, everyMs: config.chatTallySeconds * 1000 });
  app.addHook('onReady', () => tally.ensure());
  return chat;
}
