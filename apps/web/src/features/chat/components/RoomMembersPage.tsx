import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { MAX_GROUP_MEMBERS } from '@studymate/contracts';
import { httpStatus } from '../../../lib/http';
import { useAuthStore } from '../../auth/store';
import { ensureChat, handOver, invite, leave, loadRooms, openRoom, removeMember } from '../actions';
import { directPartners } from '../format';
import { CHAT_NS } from '../i18n';
import { useChatStore } from '../store';
import { useAction } from '../../../components/form';
import { useConfirm } from '../../../components/ConfirmDialog';
import { Avatar, BackToRooms, ErrorNote, useGroupError, usePresenceText, useRoomTitle } from './common';
import { usePersonName } from '../../../lib/names';

function MemberPresence({ userId }: { userId: string }) {
  const presence = usePresenceText(userId);
  return presence ? <span className="block text-xs text-slate-500">{presence.text}</span> : null;
}

/** `/chat/:roomId/members`: who is in a group; the owner invites, removes and hands over, anyone leaves. */
export function RoomMembersPage() {
  const { roomId = '' } = useParams();
  const { t } = useTranslation(CHAT_NS);
  const personName = usePersonName();
  const navigate = useNavigate();
  const me = useAuthStore((s) => s.user?.id ?? '');
  const room = useChatStore((s) => s.rooms?.find((r) => r.id === roomId));
  const rooms = useChatStore((s) => s.rooms);
  const [missing, setMissing] = useState(false);
  const [invitee, setInvitee] = useState('');
  const describe = useGroupError();
  const title = useRoomTitle();

  useEffect(() => {
    ensureChat();
    openRoom(roomId).catch((error: unknown) => (httpStatus(error) === 404 || httpStatus(error) === 400 ? setMissing(true) : undefined));
    loadRooms().catch(() => {});
  }, [roomId]);

  const { busy, problem, run: act } = useAction(describe);
  const confirm = useConfirm();

  if (missing)
    return (
      <section className="space-y-4">
        <BackToRooms />
        <ErrorNote>{t('conversation.notFound')}</ErrorNote>
      </section>
    );
  if (!room) return null;

  const isOwner = room.members.some((m) => m.id === me && m.role === 'owner');
  const candidates = directPartners(rooms ?? [], me).filter((p) => !room.members.some((m) => m.id === p.id));
  const full = room.members.length >= MAX_GROUP_MEMBERS;

  return (
    <section className="space-y-4">
      {confirm.dialog}
      <Link to={`/chat/${roomId}`} className="btn-link">
        ← {t('group.back')}
      </Link>
      <div>
        <h1 className="text-2xl font-bold break-words">{title(room, me)}</h1>
        <p className="text-sm text-slate-500">{t('group.count', { count: room.members.length })}</p>
      </div>
      <ErrorNote>{problem ?? null}</ErrorNote>
      {room.kind === 'direct' && <p className="card text-sm text-slate-600">{t('group.directNote')}</p>}
      <ul
        aria-label={t('group.membersTitle')}
        className="divide-y divide-slate-100 overflow-hidden rounded-2xl border border-slate-200 bg-white"
      >
        {room.members.map((m) => (
          <li key={m.id} className="flex flex-wrap items-center gap-x-3 gap-y-2 px-4 py-3" data-testid="member">
            <Avatar
              name={personName(m.displayName)}
              photoUrl={m.photoUrl}
              size="size-10"
              presenceOf={m.id === me || m.deleted ? undefined : m.id}
            />
            <span className="min-w-0 flex-1">
              <span className="flex flex-wrap items-baseline gap-x-1.5">
                <span className="truncate font-semibold" title={m.deleted ? undefined : m.displayName} data-testid="member-name">
                  {personName(m.displayName)}
                </span>
                {m.id === me && <span className="text-xs text-slate-500">{t('group.you')}</span>}
                {m.role === 'owner' && (
                  <span className="rounded-full bg-indigo-50 px-2 py-0.5 text-[11px] font-semibold text-indigo-700">
                    {t('group.owner')}
                  </span>
                )}
              </span>
              {m.id !== me && !m.deleted && <MemberPresence userId={m.id} />}
            </span>
            {isOwner && room.kind === 'group' && m.id !== me && (
              // On a phone the owner's buttons go under the name, which keeps the row's width.
              <span className="flex shrink-0 gap-2 max-sm:basis-full max-sm:pl-13">
                {!m.deleted && (
                  <button
                    type="button"
                    className="btn-secondary shrink-0 px-3 py-1.5 text-xs"
                    disabled={busy}
                    onClick={() => {
                      void confirm
                        .ask({ title: t('group.confirmHandOver', { name: m.displayName }), confirmLabel: t('group.handOver') })
                        .then((yes) => (yes ? act(() => handOver(roomId, m.id)) : undefined));
                    }}
                  >
                    {t('group.handOver')}
                  </button>
                )}
                <button
                  type="button"
                  className="btn-secondary shrink-0 px-3 py-1.5 text-xs text-rose-700"
                  disabled={busy}
                  onClick={() => {
                    void confirm
                      .ask({
                        title: t('group.confirmRemove', { name: personName(m.displayName) }),
                        confirmLabel: t('group.remove'),
                        danger: true,
                      })
                      .then((yes) => (yes ? act(() => removeMember(roomId, m.id)) : undefined));
                  }}
                >
                  {t('group.remove')}
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>

      {isOwner && room.kind === 'group' && (
        <form
          className="card space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (invitee)
              void act(async () => {
                await invite(roomId, invitee);
                setInvitee('');
              });
          }}
        >
          <h2 className="font-semibold">{t('group.invite')}</h2>
          {full ? (
            <p className="text-sm text-slate-600">{t('group.full', { max: MAX_GROUP_MEMBERS })}</p>
          ) : candidates.length === 0 ? (
            <p className="text-sm text-slate-600">{t('group.inviteNone')}</p>
          ) : (
            <div className="flex flex-col gap-2 sm:flex-row">
              <label htmlFor="invitee" className="sr-only">
                {t('group.invitePick')}
              </label>
              <select id="invitee" className="input min-w-0 flex-1" value={invitee} onChange={(e) => setInvitee(e.target.value)}>
                <option value="">{t('group.invitePick')}</option>
                {candidates.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.displayName}
                  </option>
                ))}
              </select>
              <button type="submit" className="btn-primary" disabled={busy || !invitee}>
                {t('group.inviteButton')}
              </button>
            </div>
          )}
        </form>
      )}

      {room.kind === 'group' && (
        <button
          type="button"
          className="btn-danger w-full"
          disabled={busy}
          onClick={() => {
            void confirm.ask({ title: t('group.confirmLeave'), confirmLabel: t('group.leave'), danger: true }).then((yes) =>
              yes
                ? act(async () => {
                    await leave(roomId);
                    void navigate('/chat');
                  })
                : undefined,
            );
          }}
        >
          {t('group.leave')}
        </button>
      )}
    </section>
  );
}
