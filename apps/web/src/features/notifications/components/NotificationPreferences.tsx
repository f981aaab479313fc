import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NotificationCategory, NotificationSettings } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import * as api from '../api';
import { NOTIFICATIONS_NS } from '../i18n';
import { browserNotificationsWanted, setBrowserNotificationsWanted } from '../live';

const CATEGORIES: NotificationCategory[] = ['chat', 'match', 'session', 'achievement', 'system'];

/** Categories on or off in the app and quiet hours (kept and enforced by the server); browser notifications on this device. */
export function NotificationPreferences() {
  const { t } = useTranslation(NOTIFICATIONS_NS);
  const [settings, setSettings] = useState<NotificationSettings | null>(null);
  const [saved, setSaved] = useState(false);
  const [browser, setBrowser] = useState(browserNotificationsWanted());
  const { busy, problem, run } = useAction(errorProblem);
  useEffect(() => {
    void run(async () => setSettings(await api.fetchSettings()));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (!settings) return <FormProblem problem={problem} />;
  const zone = settings.quietHours?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const quiet = settings.quietHours;
  const supported = typeof window !== 'undefined' && 'Notification' in window;
  const denied = supported && Notification.permission === 'denied';

  return (
    <form
      className="card space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          setSettings(await api.saveSettings({ muted: settings.muted, quietHours: settings.quietHours }));
          setSaved(true);
        });
      }}
    >
      <h2 className="font-semibold">{t('preferences')}</h2>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-700">{t('inApp')}</legend>
        {CATEGORIES.map((c) => (
          <label key={c} className="flex min-h-11 items-center gap-3">
            <input
              type="checkbox"
              className="h-5 w-5"
              checked={!settings.muted.includes(c)}
              onChange={(e) => {
                setSaved(false);
                setSettings({ ...settings, muted: e.target.checked ? settings.muted.filter((m) => m !== c) : [...settings.muted, c] });
              }}
            />
            {t(`categories.${c}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">{t('quietHours')}</legend>
        <p className="text-xs text-slate-500">{t('quietHint', { zone })}</p>
        <label className="flex min-h-11 items-center gap-3">
          <input
            type="checkbox"
            className="h-5 w-5"
            checked={!!quiet}
            onChange={(e) => {
              setSaved(false);
              setSettings({ ...settings, quietHours: e.target.checked ? { start: '22:00', end: '07:00', timeZone: zone } : null });
            }}
          />
          {t('quietOn')}
        </label>
        {quiet && (
          <div className="flex flex-wrap gap-3">
            {(['start', 'end'] as const).map((edge) => (
              <label key={edge} className="flex items-center gap-2 text-sm">
                {t(edge === 'start' ? 'from' : 'to')}
                <input
                  type="time"
                  className="input min-h-11"
                  value={quiet[edge]}
                  onChange={(e) => {
                    setSaved(false);
                    setSettings({ ...settings, quietHours: { ...quiet, [edge]: e.target.value } });
                  }}
                />
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">{t('browser')}</legend>
        <p className="text-xs text-slate-500">{supported ? (denied ? t('browserDenied') : t('browserHint')) : t('browserUnsupported')}</p>
        {supported && !denied && (
          <label className="flex min-h-11 items-center gap-3">
            <input
              type="checkbox"
              className="h-5 w-5"
              checked={browser}
              onChange={(e) => {
                const on = e.target.checked;
                void (async () => {
                  const allowed = !on || Notification.permission === 'granted' || (await Notification.requestPermission()) === 'granted';
                  setBrowserNotificationsWanted(on && allowed);
                  setBrowser(on && allowed);
                })();
              }}
            />
            {t('browserOn')}
          </label>
        )}
      </fieldset>
      <FormProblem problem={problem} />
      <div className="flex items-center gap-3">
        <button type="submit" className="btn-primary" disabled={busy}>
          {t('save')}
        </button>
        {saved && <span className="text-sm text-emerald-700">{t('saved')}</span>}
      </div>
    </form>
  );
}
