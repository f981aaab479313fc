import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MoveSessionBody, SessionOccurrence } from '@studymate/contracts';
import { DateTime } from 'luxon';
import { controlOf, errorProblem, Field, FormProblem, useAction, type FieldErrors } from '../../../components/form';
import * as api from '../api';
import { SESSIONS_NS } from '../i18n';
import { formatWhen, wallClock } from '../time';
import { JoinSessionButton } from './JoinSessionButton';
import { usePersonName } from '../../../lib/names';

type Panel = 'move' | 'cancel-one' | 'cancel-all' | 'decline' | null;
type Scope = NonNullable<MoveSessionBody['scope']>;
const SCOPES: [Scope, string][] = [
  ['occurrence', 'form.scopeOccurrence'],
  ['following', 'form.scopeFollowing'],
  ['series', 'form.scopeSeries'],
];

const STATE_STYLE: Record<SessionOccurrence['state'], string> = {
  proposed: 'bg-amber-50 text-amber-800',
  booked: 'bg-emerald-50 text-emerald-800',
  declined: 'bg-slate-100 text-slate-600',
  cancelled: 'bg-slate-100 text-slate-600 line-through',
};

/** One occurrence with what I may do to it: answer, join, move, cancel, download. */
export function SessionCard({
  occurrence: o,
  zone,
  onChanged,
  focused = false,
}: {
  occurrence: SessionOccurrence;
  zone: string;
  onChanged: () => void;
  /** Opened from a notification's link: scrolled to and marked. */
  focused?: boolean;
}) {
  const card = useRef<HTMLElement>(null);
  useEffect(() => {
    if (focused) card.current?.scrollIntoView?.({ block: 'center' });
  }, [focused]);
  const { t, i18n } = useTranslation(SESSIONS_NS);
  const personName = usePersonName();
  const { busy, problem, run } = useAction(errorProblem);
  const [panel, setPanel] = useState<Panel>(null);
  const [reason, setReason] = useState('');
  const [when, setWhen] = useState(() => wallClock(o.startsAt, zone));
  const [scope, setScope] = useState<Scope>('occurrence');
  // What the form says is missing or wrong, beside the field, before anything is sent.
  const [fields, setFields] = useState<FieldErrors>({});
  const form = useRef<HTMLFormElement>(null);
  const fixed = (field: string) => setFields((found) => ({ ...found, [field]: undefined }));
  const lang = i18n.resolvedLanguage;
  const act = (action: () => Promise<void>) =>
    run(async () => {
      try {
        await action();
        setPanel(null);
        setReason('');
      } finally {
        onChanged();
      }
    });
  const open = (p: Panel) => {
    setPanel(panel === p ? null : p);
    setReason('');
    setFields({});
  };
  /** The form's own rules: a reason where the partner is owed one, and a new time still to come. */
  const check = (): FieldErrors => {
    const found: FieldErrors = {};
    const start = DateTime.fromISO(`${when.date}T${when.time}`, { zone });
    if (panel === 'move' && (!start.isValid || start.toMillis() <= Date.now())) found.date = { key: `${SESSIONS_NS}:propose.fields.date` };
    if (panel !== 'decline' && !reason.trim()) found.reason = { key: `${SESSIONS_NS}:form.reasonMissing` };
    return found;
  };
  const ahead = Date.parse(o.startsAt) > Date.now();
  const showOrganiserTime = o.timeZone !== zone;

  return (
    <article
      ref={card}
      className={`card space-y-3 ${focused ? 'ring-2 ring-indigo-400' : ''}`}
      data-testid="session"
      data-session={o.sessionId}
      aria-label={formatWhen(o.startsAt, zone, lang)}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <p className="text-lg font-semibold" data-testid="session-when">
            {formatWhen(o.startsAt, zone, lang)}
          </p>
          <p className="text-sm text-slate-600">
            {t(`kind.${o.kind}`)} · {t('minutes', { count: o.minutes })} · {t('with', { name: personName(o.partner.name) })}
            {o.repeat && ` · ${t(`repeat.${o.repeat}`)}`}
          </p>
          {showOrganiserTime && (
            <p className="text-xs text-slate-500">
              {t('organiserTime', { time: formatWhen(o.startsAt, o.timeZone, lang), zone: o.timeZone })}
            </p>
          )}
        </div>
        <span className={`rounded-full px-2.5 py-1 text-xs font-semibold ${STATE_STYLE[o.state]}`} data-testid="session-state">
          {t(`state.${o.state}`)}
          {o.moved && o.state === 'booked' ? ` · ${t('moved')}` : ''}
        </span>
      </div>
      {o.topic && <p className="text-sm text-slate-700">{o.topic}</p>}
      {o.cancelReason && <p className="text-sm text-slate-500">{t('reason', { reason: o.cancelReason })}</p>}
      {o.pendingMove && (
        <p className="rounded-xl bg-indigo-50 px-3 py-2 text-sm text-indigo-800">
          {t(`${o.pendingMove.scope === 'following' ? 'movePendingSeries' : 'movePending'}${o.pendingMove.byMe ? 'Mine' : ''}`, {
            time: formatWhen(o.pendingMove.startsAt, zone, lang),
          })}
          {o.pendingMove.reason && ` · ${o.pendingMove.reason}`}
        </p>
      )}
      <FormProblem problem={problem} />

      <div className="flex flex-wrap gap-2">
        {o.state === 'proposed' && !o.organiser && (
          <>
            <button type="button" className="btn-primary" disabled={busy} onClick={() => void act(() => api.acceptSession(o.sessionId))}>
              {t('actions.accept')}
            </button>
            <button type="button" className="btn-secondary" disabled={busy} onClick={() => open('decline')}>
              {t('actions.decline')}
            </button>
          </>
        )}
        {o.state === 'proposed' && o.organiser && (
          <button type="button" className="btn-secondary" disabled={busy} onClick={() => open('cancel-all')}>
            {t('actions.withdraw')}
          </button>
        )}
        {o.state === 'booked' && (
          <>
            <JoinSessionButton sessionId={o.sessionId} booked startsAt={o.startsAt} endsAt={Date.parse(o.endsAt)} busy={busy} run={run} />
            {o.pendingMove && !o.pendingMove.byMe && (
              <>
                <button
                  type="button"
                  className="btn-primary"
                  disabled={busy}
                  onClick={() => void act(() => api.answerMove(o.sessionId, o.index, true))}
                >
                  {t('actions.acceptMove')}
                </button>
                <button
                  type="button"
                  className="btn-secondary"
                  disabled={busy}
                  onClick={() => void act(() => api.answerMove(o.sessionId, o.index, false))}
                >
                  {t('actions.declineMove')}
                </button>
              </>
            )}
            {ahead && (
              <button type="button" className="btn-secondary" disabled={busy} onClick={() => open('move')}>
                {t('actions.move')}
              </button>
            )}
            <button type="button" className="btn-secondary" disabled={busy} onClick={() => open('cancel-one')}>
              {o.repeat ? t('actions.cancelOne') : t('actions.cancel')}
            </button>
            {o.repeat && (
              <button type="button" className="btn-secondary" disabled={busy} onClick={() => open('cancel-all')}>
                {t('actions.cancelAll')}
              </button>
            )}
            <button type="button" className="btn-link" disabled={busy} onClick={() => void run(() => api.downloadIcs(o.sessionId))}>
              {t('actions.ics')}
            </button>
          </>
        )}
      </div>

      {panel && (
        <form
          ref={form}
          noValidate
          className="space-y-3 rounded-xl bg-slate-50 p-3"
          onSubmit={(e) => {
            e.preventDefault();
            const found = check();
            setFields(found);
            if (Object.values(found).some(Boolean))
              return void requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
            if (panel === 'move')
              void act(() => api.moveSession(o.sessionId, o.index, { ...when, timeZone: zone, reason, ...(o.repeat ? { scope } : {}) }));
            else if (panel === 'decline') void act(() => api.declineSession(o.sessionId, reason));
            else void act(() => api.cancelSession(o.sessionId, { reason, ...(panel === 'cancel-one' ? { index: o.index } : {}) }));
          }}
        >
          {panel === 'move' && (
            <div className="grid grid-cols-2 gap-3">
              <Field label={t('form.newDate')} problem={fields.date}>
                {(ids) => (
                  <input
                    {...controlOf(ids)}
                    type="date"
                    className="input"
                    value={when.date}
                    onChange={(e) => {
                      setWhen({ ...when, date: e.target.value });
                      fixed('date');
                    }}
                  />
                )}
              </Field>
              <Field label={t('form.newTime')}>
                {({ id }) => (
                  <input
                    id={id}
                    type="time"
                    className="input"
                    value={when.time}
                    onChange={(e) => {
                      setWhen({ ...when, time: e.target.value });
                      fixed('date');
                    }}
                  />
                )}
              </Field>
              {o.repeat && (
                <fieldset className="col-span-2 space-y-1" data-testid="move-scope">
                  <legend className="text-sm font-medium text-slate-700">{t('form.scope')}</legend>
                  {SCOPES.map(([value, label]) => (
                    <label key={value} className="flex min-h-11 items-center gap-2 text-sm">
                      <input
                        type="radio"
                        name={`scope-${o.sessionId}-${o.index}`}
                        className="h-5 w-5"
                        value={value}
                        checked={scope === value}
                        onChange={() => setScope(value)}
                      />
                      {t(label)}
                    </label>
                  ))}
                </fieldset>
              )}
            </div>
          )}
          <Field label={t('form.reason')} optional={panel === 'decline'} required={panel !== 'decline'} problem={fields.reason}>
            {(ids) => (
              <input
                {...controlOf(ids)}
                className="input"
                maxLength={300}
                aria-required={panel !== 'decline'}
                placeholder={t('form.reasonPlaceholder')}
                value={reason}
                onChange={(e) => {
                  setReason(e.target.value);
                  fixed('reason');
                }}
              />
            )}
          </Field>
          <div className="flex flex-wrap gap-2">
            <button type="submit" className={panel === 'move' ? 'btn-primary' : 'btn-danger'} disabled={busy}>
              {panel === 'move' ? t('form.askMove') : panel === 'decline' ? t('actions.decline') : t('form.confirmCancel')}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setPanel(null)}>
              {t('actions.close')}
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
