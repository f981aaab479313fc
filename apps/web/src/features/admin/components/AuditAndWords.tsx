import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { addWord, fetchAudit, fetchWords, removeWord } from '../api';
import { ADMIN_NS } from '../i18n';
import { usePersonName } from '../../../lib/names';

/** `/admin/audit`: every administrator's action, newest first; nobody can change it. */
export function AuditPage() {
  const { t, i18n } = useTranslation(ADMIN_NS);
  const personName = usePersonName();
  const [items, setItems] = useState<Awaited<ReturnType<typeof fetchAudit>> | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  useEffect(() => {
    fetchAudit().then(setItems, (error: unknown) => setProblem(errorProblem(error)));
  }, []);
  const when = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <div className="card overflow-x-auto">
      <FormProblem problem={problem} />
      {items?.length === 0 && <p className="text-sm text-slate-500">{t('audit.empty')}</p>}
      {items && items.length > 0 && (
        <table className="w-full text-left text-sm">
          <thead>
            <tr>
              <th className="py-1">{t('audit.when')}</th>
              <th>{t('audit.who')}</th>
              <th>{t('audit.what')}</th>
              <th>{t('audit.why')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} className="border-t border-slate-100" data-testid="audit-entry">
                <td className="py-1 pr-2 whitespace-nowrap">{when.format(new Date(e.at))}</td>
                <td className="pr-2">{personName(e.actorName)}</td>
                <td className="pr-2">{e.action}</td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
