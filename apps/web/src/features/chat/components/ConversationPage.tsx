import { CallButtons } from '../../calls/components/CallButtons';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '@studymate/contracts';
import { httpStatus } from '../../../lib/http';
import { useConfirm } from '../../../components/ConfirmDialog';
import { useAuthStore } from '../../auth/store';
import { deleteMessage } from '../api';
import { discard, ensureChat, loadOlder, loadUntil, markRead, openRoom, retry } from '../actions';
import { partnersReadUpTo } from '../format';
import { CHAT_NS } from '../i18n';
import { lastSeq, useChatStore } from '../store';
import {
  Avatar,
  others,
  useRoomTitle,
  LineIcon,
  MEMBERS_ICON,
  SEARCH_ICON,
  CALENDAR_ICON,
  usePresenceText,
  ErrorNote,
  BackToRooms,
} from './common';
import { Composer, type ComposeMode } from './Composer';
import { ReportDialog } from '../../safety/components/ReportDialog';
import { MessageBubble, PendingBubble, type MessageAction } from './MessageBubble';
import { RomanizeToggle } from './LearnerTools';
import { ReconnectBanner } from './ReconnectBanner';
import { SearchBar, SearchResults, useRoomSearch } from './SearchPanel';
import { ClosedConversationNote, useContactState } from '../../matching/components/ContactGate';
import { BlockButton } from '../../matching/components/PartnerCardView';
import { usePersonName } from '../../../lib/names';
import { usePopover } from '../../../components/popover';

const EMPTY: never[] = [];

/** `/chat/:roomId`: history (older pages load on scrolling up), live messages and the composer. */
export function ConversationPage() {
  const { roomId = '' } = useParams();
  const { t } = useTranslation(CHAT_NS);
  const personName = usePersonName();
  const me = useAuthStore((s) => s.user?.id ?? '');
  const room = useChatStore((s) => s.rooms?.find((r) => r.id === roomId));
  const view = useChatStore((s) => s.views[roomId]);
  const outbox = useChatStore((s) => s.outbox);
  const pending = outbox.filter((o) => o.roomId === roomId);
  const messages = view?.messages ?? EMPTY;
  const [problem, setProblem] = useState<'notFound' | 'loadFailed' | null>(null);
  const [mode, setMode] = useState<ComposeMode>(null);
  const [olderBusy, setOlderBusy] = useState(false);
  const title = useRoomTitle();
  const [searchOpen, setSearchOpen] = useState(false);
  const search = useRoomSearch(roomId);
  const [highlight, setHighlight] = useState<{ seq: number | null; missing: boolean }>({ seq: null, missing: false });
  const confirm = useConfirm();
  const [deleteFailed, setDeleteFailed] = useState(false);

  const list = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** Where this page last put the view when following the bottom; see onScroll. */
  const pinnedTop = useRef(-1);
  const restore = useRef<{ height: number; top: number } | null>(null);

  useEffect(() => {
    ensureChat();
    setProblem(null);
    setMode(null);
    setSearchOpen(false);
    setHighlight({ seq: null, missing: false });
    atBottom.current = true;
    openRoom(roomId).catch((error: unknown) =>
      setProblem(httpStatus(error) === 404 || httpStatus(error) === 400 ? 'notFound' : 'loadFailed'),
    );
  }, [roomId]);

  // New messages count as read only while this conversation is actually visible.
  const newest = lastSeq(view);
  const loaded = view?.loaded ?? false;
  useEffect(() => {
    const update = () => {
      const visible = document.visibilityState === 'visible';
      useChatStore.getState().setOpenRoom(visible ? roomId : null);
      if (visible && useChatStore.getState().views[roomId]?.loaded) markRead(roomId);
    };
    update();
    document.addEventListener('visibilitychange', update);
    return () => {
      document.removeEventListener('visibilitychange', update);
      useChatStore.getState().setOpenRoom(null);
    };
  }, [roomId]);
  useEffect(() => {
    if (loaded && document.visibilityState === 'visible') markRead(roomId);
  }, [roomId, newest, loaded]);

  // Keep the reader where they were when older messages are added above; follow new ones at the bottom.
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    if (restore.current) {
      el.scrollTop = el.scrollHeight - restore.current.height + restore.current.top;
      restore.current = null;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
      pinnedTop.current = el.scrollTop;
    }
  }, [messages, pending.length, view?.typing.length]);

  const followBottom = useCallback(() => {
    const el = list.current;
    if (el && atBottom.current) {
      el.scrollTop = el.scrollHeight;
      pinnedTop.current = el.scrollTop;
    }
  }, []);

  // Images and players grow after they load, and the view shrinks when the banner or the phone's
  // keyboard appears; a reader at the bottom stays at the bottom through all of it.
  const content = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!content.current || !list.current) return;
    const observer = new ResizeObserver(followBottom);
    observer.observe(content.current);
    observer.observe(list.current);
    return () => observer.disconnect();
  }, [followBottom, problem]);

  const nextBefore = view?.nextBefore ?? null;
  useEffect(() => {
    const sentinel = top.current;
    const root = list.current;
    if (!sentinel || !root || !view?.loaded || nextBefore === null) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting) || olderBusy) return;
        restore.current = { height: root.scrollHeight, top: root.scrollTop };
        setOlderBusy(true);
        loadOlder(roomId)
          .catch(() => {
            restore.current = null;
          })
          .finally(() => setOlderBusy(false));
      },
      { root, rootMargin: '200px 0px 0px 0px' },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [roomId, nextBefore, view?.loaded, olderBusy]);

  const [reporting, setReporting] = useState<ChatMessage | null>(null);
  const nameOf = (userId: string) =>
    userId === me ? t('message.me') : personName(room?.members.find((m) => m.id === userId)?.displayName ?? '');

  const onAction = (action: MessageAction, message: ChatMessage) => {
    if (action === 'delete') {
      void confirm.ask({ title: t('message.confirmDelete'), confirmLabel: t('message.delete'), danger: true }).then((yes) => {
        if (!yes) return;
        setDeleteFailed(false);
        deleteMessage(message.id).then(
          (updated) => useChatStore.getState().mergeMessages(roomId, [updated], me),
          () => setDeleteFailed(true),
        );
      });
      return;
    }
    if (action === 'report') {
      setReporting(message);
      return;
    }
    setMode({ kind: action, message });
  };

  const closeSearch = () => {
    setSearchOpen(false);
    search.clear();
  };

  /** Shows a search hit in context: older pages load until it is there, then it is scrolled to and highlighted. */
  const showInContext = async (message: ChatMessage) => {
    search.clear();
    setSearchOpen(false);
    atBottom.current = false;
    const found = await loadUntil(roomId, message.seq).catch(() => false);
    setHighlight({ seq: found ? message.seq : null, missing: !found });
    if (!found) return;
    // After the render that holds it: the list is laid out, so the scroll lands where it should.
    requestAnimationFrame(() => {
      const el = list.current?.querySelector(`[data-seq="${message.seq}"]`);
      el?.scrollIntoView({ block: 'center' });
    });
  };

  // A 1:1 after an unmatch or a block stays readable; the composer gives way to the reason.
  const directPartner = room?.kind === 'direct' ? others(room, me)[0] : undefined;
  const contact = useContactState(directPartner && !directPartner.deleted ? directPartner.id : undefined);

  if (problem)
    return (
      <section className="space-y-4">
        <BackToRooms />
        <ErrorNote>{t(`conversation.${problem}`)}</ErrorNote>
      </section>
    );

  // The partners' read mark (stored with the room, then live): my newest message at or below it gets "읽음".
  const readUpTo = partnersReadUpTo(room, view?.readBy ?? {}, me);
  const lastReadMine = [...messages].reverse().find((m) => m.senderId === me && m.seq <= readUpTo && !m.deletedAt)?.id;
  const typingNames = (view?.typing ?? []).map(nameOf);
  const name = room ? title(room, me) : '';
  const partner = room?.kind === 'direct' ? others(room, me)[0] : undefined;

  return (
    // A fixed-height column: the page itself does not scroll, the message list does. On a phone the
    // shell hides its tab bar here (as messengers do), so the column ends at the screen's bottom.
    <section className="-mx-4 flex h-[calc(100dvh-5rem)] flex-col pb-[env(safe-area-inset-bottom)] md:mx-0 md:h-[calc(100dvh-4rem)] md:pb-0">
      {confirm.dialog}
      {reporting && (
        <ReportDialog
          userId={reporting.senderId}
          name={nameOf(reporting.senderId)}
          messageId={reporting.id}
          onClose={() => setReporting(null)}
        />
      )}
      <header className="flex items-center gap-1 border-b border-slate-200 px-4 pb-3">
        <Link
          to="/chat"
          aria-label={t('conversation.back')}
          className="-ml-3 flex size-11 shrink-0 items-center justify-center rounded-full text-slate-500 hover:bg-slate-100"
        >
          <LineIcon d="M15 5l-7 7 7 7" />
        </Link>
        <PartnerProfileLink partnerId={partner && !partner.deleted ? partner.id : undefined} label={t('conversation.profile', { name })}>
          {/* On a phone the name needs the room (the line below says whether they are online). */}
          {room && (
            <span className="hidden shrink-0 sm:block">
              <Avatar
                name={name}
                photoUrl={partner?.photoUrl}
                size="size-9"
                presenceOf={partner && !partner.deleted ? partner.id : undefined}
              />
            </span>
          )}
          <div className="min-w-0 flex-1">
            <h1 className="truncate text-lg leading-tight font-bold" title={name ?? undefined}>
              {name}
            </h1>
            <HeaderSubtitle
              partnerId={partner && !partner.deleted ? partner.id : undefined}
              memberCount={room?.kind === 'group' ? room.members.length : null}
            />
          </div>
        </PartnerProfileLink>
        <button
          type="button"
          aria-label={t('conversation.search')}
          aria-expanded={searchOpen}
          onClick={() => (searchOpen ? closeSearch() : setSearchOpen(true))}
          className={`flex size-11 shrink-0 items-center justify-center rounded-full hover:bg-slate-100 ${searchOpen ? 'text-indigo-600' : 'text-slate-500'}`}
        >
          <LineIcon d={SEARCH_ICON} />
        </button>
        {room?.kind === 'direct' && partner && !partner.deleted && contact.state === 'open' && <CallButtons roomId={room.id} compact />}
        {/* What a phone's header has no room for: booking, romanisation, blocking. */}
        <HeaderMenu>
          <RomanizeToggle roomId={roomId} />
          {partner && !partner.deleted && contact.state === 'open' && (
            <Link
              to={`/schedule?mate=${partner.id}`}
              className="flex min-h-11 items-center gap-3 rounded-lg px-3 text-sm text-slate-700 hover:bg-slate-100"
            >
              <LineIcon d={CALENDAR_ICON} />
              {t('conversation.bookSession')}
            </Link>
          )}
          {partner && !partner.deleted && contact.state !== 'blocked' && (
            <div className="flex min-h-11 items-center px-3">
              <BlockButton partner={{ userId: partner.id, name }} onBlocked={() => contact.setState('blocked')} />
            </div>
          )}
        </HeaderMenu>
        {room?.kind === 'group' && (
          <Link
            to={`/chat/${roomId}/members`}
            aria-label={t('conversation.members')}
            className="flex size-11 shrink-0 items-center justify-center rounded-full text-slate-500 hover:bg-slate-100"
          >
            <LineIcon d={MEMBERS_ICON} />
          </Link>
        )}
      </header>
      {searchOpen && <SearchBar search={search} onClose={closeSearch} />}
      <div className="px-4 pt-2 empty:hidden">
        <ReconnectBanner />
      </div>
      {deleteFailed && (
        <div className="px-4 pt-2">
          <ErrorNote>{t('composer.deleteFailed')}</ErrorNote>
        </div>
      )}
      {highlight.missing && (
        <div className="px-4 pt-2">
          <ErrorNote>{t('search.notLoaded')}</ErrorNote>
        </div>
      )}
      <div className="relative flex min-h-0 flex-1 flex-col">
        <SearchResults search={search} nameOf={nameOf} onPick={(m) => void showInContext(m)} />
        <div
          ref={list}
          data-testid="message-scroller"
          // Scrolling is managed here (kept at the bottom, kept in place when older pages arrive), so
          // the browser's own scroll anchoring is off: it would move the view when an image loads.
          className="flex-1 overflow-y-auto px-4 py-3 [overflow-anchor:none]"
          onScroll={(e) => {
            const el = e.currentTarget;
            // The scroll event of our own jump to the bottom arrives a frame later, maybe after an
            // image above has grown the list: measured then, it would look like the reader left the
            // bottom. Only a move up from where we put the view means that.
            if (atBottom.current && el.scrollTop >= pinnedTop.current - 1) return;
            atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
          }}
        >
          <div ref={content}>
            <div ref={top} />
            {view?.loaded && (
              <p className="pb-3 text-center text-xs text-slate-400">
                {nextBefore === null ? t('conversation.beginning') : olderBusy ? t('conversation.loadOlder') : '\u00a0'}
              </p>
            )}
            <ol aria-label={t('conversation.messages')} className="space-y-2">
              {messages.map((message, i) => (
                <MessageBubble
                  key={message.id}
                  message={message}
                  mine={message.senderId === me}
                  senderName={nameOf(message.senderId)}
                  // In a group, who wrote it: above the first of each run of someone else's messages.
                  showSender={room?.kind === 'group' && message.senderId !== me && messages[i - 1]?.senderId !== message.senderId}
                  replyName={message.replyTo ? nameOf(message.replyTo.senderId) : null}
                  read={message.id === lastReadMine}
                  highlighted={message.seq === highlight.seq}
                  onAction={onAction}
                  onMediaLoad={followBottom}
                />
              ))}
              {pending.map((entry) => (
                <PendingBubble
                  key={entry.clientId}
                  entry={entry}
                  onRetry={() => retry(entry.clientId)}
                  onDiscard={() => discard(entry.clientId)}
                />
              ))}
            </ol>
            {typingNames.length > 0 && (
              <p role="status" className="mt-2 text-xs text-slate-500" data-testid="typing">
                {t('conversation.typing', { name: typingNames.join(', ') })}
              </p>
            )}
          </div>
        </div>
      </div>
      {partner?.deleted ? (
        <p
          role="status"
          data-testid="conversation-closed"
          className="border-t border-slate-200 px-4 py-4 text-center text-sm text-slate-500"
        >
          {t('conversation.closedDeleted')}
        </p>
      ) : contact.state === 'read-only' || contact.state === 'blocked' ? (
        <ClosedConversationNote state={contact.state} />
      ) : (
        <Composer
          roomId={roomId}
          mode={mode}
          nameOf={nameOf}
          onModeDone={() => setMode(null)}
          onSent={() => {
            atBottom.current = true;
          }}
        />
      )}
    </section>
  );
}

/**
 * A "more" button whose panel holds the header's less frequent actions. The panel stays mounted
 * while closed (hidden), so an action's own confirmation dialog survives the panel closing.
 */
function HeaderMenu({ children }: { children: ReactNode }) {
  const { t } = useTranslation(CHAT_NS);
  const { open, setOpen, root, trigger } = usePopover();
  return (
    <div ref={root} className="relative shrink-0">
      <button
        ref={trigger}
        type="button"
        aria-label={t('conversation.more')}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="flex size-11 items-center justify-center rounded-full text-slate-500 hover:bg-slate-100"
      >
        <LineIcon d="M5 12h.01M12 12h.01M19 12h.01" />
      </button>
      <div
        role="group"
        aria-label={t('conversation.more')}
        className={`${open ? '' : 'hidden'} absolute right-0 top-full z-20 mt-1 w-64 space-y-1 rounded-xl border border-slate-200 bg-white p-1 shadow-lg empty:hidden`}
      >
        {children}
      </div>
    </div>
  );
}

/** In a 1:1 room, the partner's photo and name open their profile (the matching person page); otherwise they are plain. */
function PartnerProfileLink({ partnerId, label, children }: { partnerId: string | undefined; label: string; children: ReactNode }) {
  const className = 'flex min-h-11 min-w-0 flex-1 items-center gap-3';
  if (!partnerId) return <div className={className}>{children}</div>;
  return (
    <Link
      to={`/matching/people/${partnerId}`}
      aria-label={label}
      data-testid="partner-profile-link"
      className={`${className} rounded-lg hover:bg-slate-50`}
    >
      {children}
    </Link>
  );
}

/** Under the room name: the partner's presence in a 1:1 room, the member count in a group. */
function HeaderSubtitle({ partnerId, memberCount }: { partnerId: string | undefined; memberCount: number | null }) {
  const { t } = useTranslation(CHAT_NS);
  const presence = usePresenceText(partnerId);
  if (memberCount !== null) return <p className="text-xs text-slate-500">{t('group.count', { count: memberCount })}</p>;
  if (!presence) return null;
  return (
    <p className={`text-xs ${presence.status === 'online' ? 'text-emerald-700' : 'text-slate-500'}`} data-testid="partner-presence">
      {presence.text}
    </p>
  );
}
