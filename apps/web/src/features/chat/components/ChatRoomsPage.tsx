import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuthStore } from '../../auth/store';
import { ensureChat, loadRooms } from '../actions';
import { CHAT_NS } from '../i18n';
import { useChatStore } from '../store';
import { Avatar, ErrorNote, FILE_ICON, LineIcon, formatTime, others, usePreview, useRoomTitle } from './common';
import { ReconnectBanner } from './ReconnectBanner';

/** `/chat`: my rooms, most recent activity first, kept current by the room subscriptions. */
export function ChatRoomsPage() {
  const { t, i18n } = useTranslation(CHAT_NS);
  const me = useAuthStore((s) => s.user?.id ?? '');
  const rooms = useChatStore((s) => s.rooms);
  const [failed, setFailed] = useState(false);
  const title = useRoomTitle();
  const preview = usePreview();

  useEffect(() => {
    ensureChat();
    loadRooms().then(
      () => setFailed(false),
      () => setFailed(true),
    );
  }, []);

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <nav aria-label={t('rooms.actions')} className="flex gap-2">
          <Link to="/chat/files" className="btn-secondary px-3 py-2">
            <LineIcon d={FILE_ICON} className="size-5" />
            {t('rooms.files')}
          </Link>
          <Link to="/chat/new-group" className="btn-primary px-3 py-2">
            <LineIcon d="M12 5v14M5 12h14" className="size-5" />
            {t('rooms.newGroup')}
          </Link>
        </nav>
      </div>
      <ReconnectBanner />
      <ErrorNote>{failed && !rooms ? t('rooms.loadFailed') : null}</ErrorNote>
      {rooms && rooms.length === 0 && <p className="card text-center text-slate-600">{t('rooms.empty')}</p>}
      {rooms && rooms.length > 0 && (
        <ul className="divide-y divide-slate-100 overflow-hidden rounded-2xl border border-slate-200 bg-white">
          {rooms.map((room) => {
            const name = title(room, me);
            const partner = room.kind === 'direct' ? others(room, me)[0] : undefined;
            const photo = partner?.photoUrl ?? null;
            return (
              <li key={room.id}>
                <Link
                  to={`/chat/${room.id}`}
                  className="flex items-center gap-3 px-4 py-3 transition hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none"
                >
                  <Avatar name={name} photoUrl={photo} presenceOf={partner && !partner.deleted ? partner.id : undefined} />
                  <span className="min-w-0 flex-1">
                    <span className="flex items-baseline justify-between gap-2">
                      <span className="truncate font-semibold text-slate-900" title={name ?? undefined}>
                        {name}
                      </span>
                      {room.lastMessage && (
                        <span className="shrink-0 text-xs text-slate-400">{formatTime(room.lastMessage.createdAt, i18n.language)}</span>
                      )}
                    </span>
                    <span className="flex items-center justify-between gap-2">
                      <span className="truncate text-sm text-slate-500">
                        {room.lastMessage ? preview(room.lastMessage) : t('rooms.noMessages')}
                      </span>
                      {room.unreadCount > 0 && (
                        <span
                          className="shrink-0 rounded-full bg-indigo-600 px-2 py-0.5 text-xs font-semibold text-white"
                          aria-label={t('rooms.unread', { count: room.unreadCount })}
                        >
                          {room.unreadCount > 99 ? '99+' : room.unreadCount}
                        </span>
                      )}
                    </span>
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
