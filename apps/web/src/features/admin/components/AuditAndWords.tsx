import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '@studymate/contracts';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { formatDateTime } from '../../../lib/dates';
import { addWord, fetchAudit, fetchWords, removeWord } from '../api';
import { ADMIN_NS } from '../i18n';
import { usePersonName } from '../../../lib/names';

/** `/admin/audit`: every administrator's action, newest first, with whom it was about; nobody can change it. */
export function AuditPage() {
  const { t, i18n } = useTranslation(ADMIN_NS);
  const personName = usePersonName();
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  useEffect(() => {
    fetchAudit().then(setItems, (error: unknown) => setProblem(errorProblem(error)));
  }, []);
  // One entry a block rather than a table's row: on a phone the reason wraps instead of running off the side.
  return (
    <div className="card">
      <FormProblem problem={problem} />
      {items?.length === 0 && <p className="text-sm text-slate-500">{t('audit.empty')}</p>}
      {items && items.length > 0 && (
        <ol className="divide-y divide-slate-100 text-sm">
          {items.map((e) => (
            <li key={e.id} className="space-y-0.5 py-2" data-testid="audit-entry">
              <p className="flex flex-wrap items-baseline gap-x-2">
                <span className="font-semibold">{t(`audit.actions.${e.action}`, { defaultValue: e.action })}</span>
                {e.subjectId && (
                  <Link to={`/admin/people/${e.subjectId}`} className="font-semibold text-indigo-700 underline-offset-2 hover:underline">
                    {personName(e.subjectName ?? '')}
                  </Link>
                )}
                {e.reportId && (
                  <Link to={`/admin/reports/${e.reportId}`} className="text-indigo-700 underline-offset-2 hover:underline">
                    {t('audit.report')}
                  </Link>
                )}
              </p>
              <p className="text-xs text-slate-500">
                {t('audit.by', { when: formatDateTime(e.at, i18n.resolvedLanguage), admin: personName(e.actorName) })}
              </p>
              <p className="break-words whitespace-pre-wrap">
                <span className="text-slate-500">{t(e.action.startsWith('word-') ? 'audit.word' : 'audit.why')}: </span>
                {e.reason}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** `/admin/words`: the administrators' own screening words, on top of the kept English and Korean lists. */
export function WordsPage() {
  const { t } = useTranslation(ADMIN_NS);
  const [items, setItems] = useState<Awaited<ReturnType<typeof fetchWords>> | null>(null);
  const [word, setWord] = useState('');
  const [problem, setProblem] = useState<FieldProblem>();
  const load = useCallback(() => fetchWords().then(setItems, (error: unknown) => setProblem(errorProblem(error))), []);
  useEffect(() => void load(), [load]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(undefined);
    try {
      await addWord(word.trim());
      setWord('');
      await load();
    } catch (error) {
      setProblem(errorProblem(error));
    }
  }
  return (
    <div className="space-y-3">
      <form className="flex gap-2" onSubmit={(e) => void submit(e)}>
        <input
          className="input min-h-11 flex-1"
          aria-label={t('words.word')}
          minLength={2}
          maxLength={60}
          value={word}
          onChange={(e) => setWord(e.target.value)}
        />
        <button type="submit" className="btn-primary min-h-11" disabled={word.trim().length < 2}>
          {t('words.add')}
        </button>
      </form>
      <FormProblem problem={problem} />
      {items?.length === 0 && <p className="card text-sm text-slate-500">{t('words.empty')}</p>}
      {items && items.length > 0 && (
        <ul className="card divide-y divide-slate-100">
          {items.map((w) => (
            <li key={w.word} className="flex items-center justify-between py-1 text-sm">
              <span>{w.word}</span>
              <button type="button" className="min-h-11 px-3 text-red-700" onClick={() => void removeWord(w.word).then(load)}>
                {t('words.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
