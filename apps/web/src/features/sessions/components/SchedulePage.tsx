import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { DateTime } from 'luxon';
import {
  SESSION_REMINDERS,
  type Mate,
  type ProposeSessionBody,
  type SessionKind,
  type SessionRepeatEvery,
  type SessionSuggestions,
} from '@studymate/contracts';
import {
  ChoiceGroup,
  controlOf,
  errorProblem,
  Field,
  FormProblem,
  serverFieldProblems,
  useAction,
  type FieldErrors,
  type FieldProblem,
} from '../../../components/form';
import { currentUiLanguage } from '../../../i18n';
import { apiError } from '../../../lib/http';
import { fetchMates } from '../../matching/api';
import * as api from '../api';
import { SESSIONS_NS } from '../i18n';
import { formatWhen, useMyZone, wallClock } from '../time';

const LENGTHS = [15, 30, 45, 60, 90, 120];

/** `/schedule?mate=ID`: propose a session to a mate, at a time we are both free or any time, in my zone. */
export function SchedulePage() {
  const { t, i18n } = useTranslation(SESSIONS_NS);
  const zone = useMyZone();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [mates, setMates] = useState<Mate[] | null>(null);
  const [mateId, setMateId] = useState(params.get('mate') ?? '');
  const [kind, setKind] = useState<SessionKind>('video');
  const tomorrow = DateTime.now().setZone(zone).plus({ days: 1 });
  const [date, setDate] = useState(tomorrow.toFormat('yyyy-LL-dd'));
  const [time, setTime] = useState('20:00');
  const [minutes, setMinutes] = useState(30);
  const [every, setEvery] = useState<SessionRepeatEvery | ''>('');
  const [ends, setEnds] = useState<'until' | 'count'>('count');
  const [until, setUntil] = useState(tomorrow.plus({ weeks: 4 }).toFormat('yyyy-LL-dd'));
  const [count, setCount] = useState(4);
  const [reminders, setReminders] = useState<number[]>([15]);
  const [topic, setTopic] = useState('');
  const [suggestions, setSuggestions] = useState<SessionSuggestions['items'] | null>(null);
  const loading = useAction(errorProblem);
  // The server's refusals about a field, shown beside it (a date in the past under the date)
  // until the person changes what was refused.
  const [refused, setRefused] = useState<{ errors: FieldErrors; when: string } | null>(null);
  const { busy, problem, setProblem, run } = useAction<FieldProblem>((error) => {
    const body = apiError(error);
    const startsAt = (body?.details as { startsAt?: string } | undefined)?.startsAt;
    if (body?.code === 'SESSION_OVERLAP' && startsAt)
      return { text: t('propose.overlap', { time: formatWhen(startsAt, zone, i18n.resolvedLanguage) }) };
    return errorProblem(error);
  });
  const lang = i18n.resolvedLanguage;
  const fields = refused?.when === `${date} ${time} ${until}` ? refused.errors : {};

  useEffect(() => {
    void loading.run(async () => setMates(await fetchMates(currentUiLanguage())));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    setSuggestions(null);
    if (!mateId) return;
    let live = true;
    api.fetchSuggestions(mateId, minutes).then(
      (items) => live && setSuggestions(items),
      () => live && setSuggestions([]),
    );
    return () => {
      live = false;
    };
  }, [mateId, minutes]);

  if (mates?.length === 0)
    return (
      <section className="space-y-4">
        <h1 className="text-2xl font-bold">{t('propose.title')}</h1>
        <div className="card space-y-3 text-center">
          <p className="text-slate-600">{t('propose.noMates')}</p>
          <Link to="/matching" className="btn-primary">
            {t('propose.findMates')}
          </Link>
        </div>
      </section>
    );

  const submit = () =>
    run(async () => {
      const body: ProposeSessionBody = {
        partnerId: mateId,
        kind,
        date,
        time,
        minutes,
        reminders: reminders as ProposeSessionBody['reminders'],
        timeZone: zone,
        ...(topic.trim() ? { topic: topic.trim() } : {}),
        ...(every ? { repeat: { every, ...(ends === 'until' ? { until } : { count }) } } : {}),
      };
      setRefused(null);
      const made = await api.proposeSession(body).catch((error: unknown) => {
        const found = serverFieldProblems(error, `${SESSIONS_NS}:propose.fields`);
        if (!found) throw error;
        const { date: onDate, repeat: onRepeat, ...elsewhere } = found;
        setRefused({ errors: { date: onDate, repeat: onRepeat }, when: `${date} ${time} ${until}` });
        // A field the form does not show (the time zone) is said above the button.
        setProblem(Object.values(elsewhere)[0]);
        return null;
      });
      if (made) navigate(`/sessions?session=${made.sessionId}`);
    });

  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-bold">{t('propose.title')}</h1>
      <FormProblem problem={loading.problem} />
      <form
        className="card space-y-5"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label={t('propose.mate')}>
          {({ id }) => (
            <select id={id} className="input" required value={mateId} onChange={(e) => setMateId(e.target.value)}>
              <option value="">{t('propose.chooseMate')}</option>
              {mates?.map((m) => (
                <option key={m.partner.userId} value={m.partner.userId}>
                  {m.partner.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ChoiceGroup<SessionKind>
          legend={t('propose.kind')}
          name="kind"
          value={kind}
          onChange={setKind}
          options={(['video', 'voice'] as const).map((k) => ({ value: k, label: t(`kind.${k}`) }))}
        />
        {mateId && suggestions && (
          <div className="space-y-2">
            <p className="text-sm font-semibold text-slate-700">{t('propose.suggestions')}</p>
            {suggestions.length === 0 ? (
              <p className="text-sm text-slate-500">{t('propose.noSuggestions')}</p>
            ) : (
              <div className="flex flex-wrap gap-2" data-testid="suggestions">
                {suggestions.map((s) => {
                  const at = wallClock(s.startsAt, zone);
                  const chosen = at.date === date && at.time === time;
                  return (
                    <button
                      key={s.startsAt}
                      type="button"
                      aria-pressed={chosen}
                      className={chosen ? 'btn-primary' : 'btn-secondary'}
                      onClick={() => {
                        setDate(at.date);
                        setTime(at.time);
                      }}
                    >
                      {formatWhen(s.startsAt, zone, lang)}
                    </button>
                  );
                })}
              </div>
            )}
          </div>
        )}
        <div className="grid grid-cols-2 gap-3">
          <Field label={t('propose.date')} problem={fields.date}>
            {(ids) => (
              <input {...controlOf(ids)} type="date" className="input" required value={date} onChange={(e) => setDate(e.target.value)} />
            )}
          </Field>
          <Field label={t('propose.time')}>
            {({ id }) => <input id={id} type="time" className="input" required value={time} onChange={(e) => setTime(e.target.value)} />}
          </Field>
        </div>
        <p className="-mt-3 text-sm text-slate-500">{t('propose.zoneHint', { zone })}</p>
        {/* One column on a phone: "Doesn't repeat" and its translations do not fit half of one. */}
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <Field label={t('propose.length')}>
            {({ id }) => (
              <select id={id} className="input" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
                {LENGTHS.map((m) => (
                  <option key={m} value={m}>
                    {t('minutes', { count: m })}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('propose.repeat')}>
            {({ id }) => (
              <select id={id} className="input" value={every} onChange={(e) => setEvery(e.target.value as SessionRepeatEvery | '')}>
                <option value="">{t('propose.noRepeat')}</option>
                {(['week', 'two-weeks', 'month'] as const).map((r) => (
                  <option key={r} value={r}>
                    {t(`repeat.${r}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {every && (
          <div className="space-y-3">
            <ChoiceGroup<'until' | 'count'>
              legend={t('propose.ends')}
              name="ends"
              value={ends}
              onChange={setEnds}
              options={[
                { value: 'count', label: t('propose.endsAfter') },
                { value: 'until', label: t('propose.endsOn') },
              ]}
            />
            {ends === 'until' ? (
              <Field label={t('propose.until')} problem={fields.repeat}>
                {(ids) => (
                  <input
                    {...controlOf(ids)}
                    type="date"
                    className="input"
                    required
                    min={date}
                    value={until}
                    onChange={(e) => setUntil(e.target.value)}
                  />
                )}
              </Field>
            ) : (
              <Field label={t('propose.count')}>
                {({ id }) => (
                  <input
                    id={id}
                    type="number"
                    className="input"
                    min={2}
                    max={60}
                    required
                    value={count}
                    onChange={(e) => setCount(Number(e.target.value))}
                  />
                )}
              </Field>
            )}
          </div>
        )}
        <ChoiceGroup<number>
          legend={t('propose.reminders')}
          name="reminders"
          multiple
          value={reminders}
          onChange={setReminders}
          options={SESSION_REMINDERS.map((m) => ({ value: m, label: t(`propose.reminder.${m}`) }))}
        />
        <Field label={t('propose.topic')} optional>
          {({ id }) => (
            <textarea
              id={id}
              className="input"
              rows={2}
              maxLength={200}
              placeholder={t('propose.topicPlaceholder')}
              value={topic}
              onChange={(e) => setTopic(e.target.value)}
            />
          )}
        </Field>
        <FormProblem problem={problem} />
        <button type="submit" className="btn-primary w-full" disabled={busy || !mateId}>
          {t('propose.submit')}
        </button>
      </form>
    </section>
  );
}
