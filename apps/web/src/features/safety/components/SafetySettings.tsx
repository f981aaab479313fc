import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MyReport, PrivacySettings } from '@studymate/contracts';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { fetchMyReports, fetchPrivacy, savePrivacy } from '../api';
import { SAFETY_NS } from '../i18n';
import { usePersonName } from '../../../lib/names';

/** The settings page's privacy section: every switch applies at once on every path. */
export function PrivacySection() {
  const { t } = useTranslation(SAFETY_NS);
  const [settings, setSettings] = useState<PrivacySettings | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    fetchPrivacy().then(setSettings, (error: unknown) => setProblem(errorProblem(error)));
  }, []);
  const change = (patch: Partial<PrivacySettings>) => {
    setSaved(false);
    setSettings((s) => (s ? { ...s, ...patch } : s));
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!settings) return;
    setProblem(undefined);
    try {
      setSettings(await savePrivacy(settings));
      setSaved(true);
    } catch (error) {
      setProblem(errorProblem(error));
    }
  }
  const toggle = (key: 'showAge' | 'showCity' | 'showOnline' | 'allowMatching') => (
    <label className="flex min-h-11 items-center gap-3 text-sm">
      <input type="checkbox" className="size-5" checked={settings![key]} onChange={(e) => change({ [key]: e.target.checked })} />
      {t(`privacy.${key}`)}
    </label>
  );
  return (
    <section className="card space-y-3" aria-labelledby="settings-privacy">
      <h2 id="settings-privacy" className="text-base font-bold">
        {t('privacy.title')}
      </h2>
      <FormProblem problem={problem} />
      {settings && (
        <form className="space-y-2" onSubmit={(e) => void submit(e)}>
          <label className="block text-sm font-semibold">
            {t('privacy.profileVisibility')}
            <select
              className="input mt-1 min-h-11"
              value={settings.profileVisibility}
              onChange={(e) => change({ profileVisibility: e.target.value as PrivacySettings['profileVisibility'] })}
            >
              <option value="everyone">{t('privacy.visibility.everyone')}</option>
              <option value="mates">{t('privacy.visibility.mates')}</option>
            </select>
          </label>
          {toggle('showAge')}
          {toggle('showCity')}
          {toggle('showOnline')}
          {toggle('allowMatching')}
          <label className="block text-sm font-semibold">
            {t('privacy.whoCanMessage')}
            <select
              className="input mt-1 min-h-11"
              value={settings.whoCanMessage}
              onChange={(e) => change({ whoCanMessage: e.target.value as PrivacySettings['whoCanMessage'] })}
            >
              <option value="groups">{t('privacy.message.groups')}</option>
              <option value="mates">{t('privacy.message.mates')}</option>
            </select>
          </label>
          <button type="submit" className="btn-primary min-h-11">
            {t('privacy.save')}
          </button>
          {saved && (
            <p role="status" className="text-sm text-emerald-700">
              {t('privacy.saved')}
            </p>
          )}
        </form>
      )}
    </section>
  );
}

/** The reports I made, with their state; read again when `version` changes (a report sent from this page). */
export function MyReports({ version = 0 }: { version?: number }) {
  const { t, i18n } = useTranslation(SAFETY_NS);
  const personName = usePersonName();
  const [items, setItems] = useState<MyReport[] | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  useEffect(() => {
    fetchMyReports().then(setItems, (error: unknown) => setProblem(errorProblem(error)));
  }, [version]);
  const when = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium' });
  return (
    <section className="card space-y-2" aria-labelledby="settings-reports" id="safety">
      <h2 id="settings-reports" className="text-base font-bold">
        {t('mine.title')}
      </h2>
      <FormProblem problem={problem} />
      {items?.length === 0 && <p className="text-sm text-slate-500">{t('mine.empty')}</p>}
      {items && items.length > 0 && (
        <ul className="divide-y divide-slate-100">
          {items.map((r) => (
            <li key={r.id} className="flex flex-wrap justify-between gap-2 py-2 text-sm" data-testid="my-report">
              <span>
                {personName(r.subjectName)} · {t(`report.reasons.${r.reason}`)} · {when.format(new Date(r.createdAt))}
              </span>
              <span className="font-semibold">{t(`mine.states.${r.state}`)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
