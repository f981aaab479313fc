import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { MAX_GROUP_MEMBERS } from '@studymate/contracts';
import { useAuthStore } from '../../auth/store';
import { createGroup, ensureChat, loadRooms } from '../actions';
import { directPartners } from '../format';
import { CHAT_NS } from '../i18n';
import { useChatStore } from '../store';
import { Avatar, BackToRooms, ErrorNote, useGroupError } from './common';

/** `/chat/new-group`: name a group and pick its members from my 1:1 partners. */
export function NewGroupPage() {
  const { t } = useTranslation(CHAT_NS);
  const navigate = useNavigate();
  const me = useAuthStore((s) => s.user?.id ?? '');
  const rooms = useChatStore((s) => s.rooms);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const describe = useGroupError();

  useEffect(() => {
    ensureChat();
    loadRooms().catch(() => setProblem(t('rooms.loadFailed')));
  }, [t]);

  const partners = rooms ? directPartners(rooms, me) : [];
  const limit = MAX_GROUP_MEMBERS - 1;

  const toggle = (id: string) => {
    setProblem(null);
    if (picked.includes(id)) return setPicked(picked.filter((p) => p !== id));
    if (picked.length >= limit) return setProblem(t('group.tooMany', { max: MAX_GROUP_MEMBERS }));
    setPicked([...picked, id]);
  };

  const submit = async () => {
    if (!name.trim()) return setProblem(t('group.needName'));
    if (picked.length === 0) return setProblem(t('group.needMembers'));
    setBusy(true);
    try {
      const room = await createGroup(name.trim(), picked);
      void navigate(`/chat/${room.id}`);
    } catch (error) {
      setProblem(describe(error));
      setBusy(false);
    }
  };

  return (
    <section className="space-y-4">
      <BackToRooms />
      <h1 className="text-2xl font-bold">{t('group.createTitle')}</h1>
      <form
        className="card space-y-5"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="space-y-1.5">
          <label htmlFor="group-name" className="block text-sm font-semibold text-slate-700">
            {t('group.name')}
          </label>
          <input
            id="group-name"
            className="input"
            value={name}
            maxLength={100}
            placeholder={t('group.namePlaceholder')}
            onChange={(e) => {
              setName(e.target.value);
              setProblem(null);
            }}
          />
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold text-slate-700">{t('group.pick')}</legend>
          <p className="text-sm text-slate-500">{t('group.pickHint')}</p>
          {rooms && partners.length === 0 && <p className="rounded-xl bg-slate-50 p-3 text-sm text-slate-600">{t('group.noPartners')}</p>}
          <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200">
            {partners.map((p) => (
              <li key={p.id}>
                <label className="flex cursor-pointer items-center gap-3 px-3 py-2.5">
                  <input
                    type="checkbox"
                    className="size-5 accent-indigo-600"
                    checked={picked.includes(p.id)}
                    onChange={() => toggle(p.id)}
                  />
                  <Avatar name={p.displayName} photoUrl={p.photoUrl} size="size-9" presenceOf={p.id} />
                  <span className="min-w-0 flex-1 truncate font-medium">{p.displayName}</span>
                </label>
              </li>
            ))}
          </ul>
          {partners.length > 0 && (
            <p className="text-xs text-slate-500">{t('group.selected', { count: picked.length + 1, max: MAX_GROUP_MEMBERS })}</p>
          )}
        </fieldset>
        <ErrorNote>{problem}</ErrorNote>
        <button type="submit" className="btn-primary w-full" disabled={busy}>
          {busy ? t('group.creating') : t('group.create')}
        </button>
      </form>
    </section>
  );
}
