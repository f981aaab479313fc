import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { GENDERS, LANGUAGES, LEVELS, TOPICS, type PartnerCard, type PartnerSearchQuery } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { currentUiLanguage, useLabel } from '../../../i18n';
import { fetchRecommendations, searchPartners } from '../api';
import { MATCHING_NS } from '../i18n';
import { followMatchingNews, loadRequests } from '../store';
import { MatchingTabs } from './MatchingTabs';
import { PartnerCardView } from './PartnerCardView';
import { QuickMatch } from './QuickMatch';

type Filters = Record<'language' | 'levelMin' | 'levelMax' | 'topic' | 'gender' | 'ageMin' | 'ageMax' | 'minOverlapHours', string> & {
  onlineNow: boolean;
};
const NO_FILTERS: Filters = {
  language: '',
  levelMin: '',
  levelMax: '',
  topic: '',
  gender: '',
  ageMin: '',
  ageMax: '',
  minOverlapHours: '',
  onlineNow: false,
};

/** The filled-in filters as the search endpoint takes them. */
function toQuery(f: Filters): PartnerSearchQuery {
  const q: Record<string, unknown> = { locale: currentUiLanguage() };
  for (const key of ['language', 'levelMin', 'levelMax', 'gender'] as const) if (f[key]) q[key] = f[key];
  for (const key of ['ageMin', 'ageMax', 'minOverlapHours'] as const) if (f[key]) q[key] = Number(f[key]);
  if (f.topic) q.topics = [f.topic];
  if (f.onlineNow) q.onlineNow = true;
  return q as PartnerSearchQuery;
}

function SearchForm({ onResults }: { onResults: (items: PartnerCard[] | null) => void }) {
  const { t } = useTranslation(MATCHING_NS);
  const label = useLabel();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const { busy, problem, run } = useAction(errorProblem);
  const field = (key: keyof Filters) => ({
    id: `search-${key}`,
    value: filters[key] as string,
    onChange: (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value }),
  });
  // Levels lead with their code: a phone's half-width select shows only the start of a description.
  const select = (
    key: keyof Filters,
    title: string,
    options: readonly { id: string | number; ko: string; en: string }[],
    withCode = false,
  ) => (
    <div>
      <label htmlFor={`search-${key}`} className="mb-1 block text-sm font-medium">
        {title}
      </label>
      <select className="input" {...field(key)}>
        <option value="">{t('search.any')}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {withCode ? `${o.id} · ${label(o)}` : label(o)}
          </option>
        ))}
      </select>
    </div>
  );
  const number = (key: keyof Filters, title: string, min: number, max: number) => (
    <div>
      <label htmlFor={`search-${key}`} className="mb-1 block text-sm font-medium">
        {title}
      </label>
      <input type="number" inputMode="numeric" min={min} max={max} className="input" {...field(key)} />
    </div>
  );
  return (
    <details className="card">
      <summary className="cursor-pointer font-semibold">{t('search.title')}</summary>
      <form
        className="mt-4 space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => onResults(await searchPartners(toQuery(filters))));
        }}
      >
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          {select('language', t('search.language'), LANGUAGES)}
          {select('levelMin', t('search.levelMin'), LEVELS, true)}
          {select('levelMax', t('search.levelMax'), LEVELS, true)}
          {select('topic', t('search.topic'), TOPICS)}
          {select('gender', t('search.gender'), GENDERS)}
          {number('ageMin', t('search.ageMin'), 14, 120)}
          {number('ageMax', t('search.ageMax'), 14, 120)}
          {number('minOverlapHours', t('search.overlap'), 1, 168)}
        </div>
        <label className="flex min-h-11 cursor-pointer items-center gap-2 text-sm">
          <input type="checkbox" checked={filters.onlineNow} onChange={(e) => setFilters({ ...filters, onlineNow: e.target.checked })} />
          {t('search.online')}
        </label>
        <FormProblem problem={problem} />
        <div className="flex flex-wrap justify-end gap-2">
          <button
            type="button"
            className="btn-secondary"
            onClick={() => {
              setFilters(NO_FILTERS);
              onResults(null);
            }}
          >
            {t('search.clear')}
          </button>
          <button type="submit" className="btn-primary" disabled={busy}>
            {t('search.submit')}
          </button>
        </div>
      </form>
    </details>
  );
}

/** `/matching`: recommended partners, best first, with search under filters. */
export function RecommendationsPage() {
  const { t, i18n } = useTranslation(MATCHING_NS);
  const [items, setItems] = useState<PartnerCard[] | null>(null);
  const [nextPage, setNextPage] = useState<number | null>(null);
  const [results, setResults] = useState<PartnerCard[] | null>(null);
  const [problem, setProblem] = useState<ReturnType<typeof errorProblem>>();

  const load = (page: number) =>
    fetchRecommendations(page, currentUiLanguage()).then(
      (reply) => {
        setItems((before) => (page === 1 ? reply.items : [...(before ?? []), ...reply.items]));
        setNextPage(reply.nextPage);
        setProblem(undefined);
      },
      (error: unknown) => setProblem(errorProblem(error)),
    );

  useEffect(() => {
    void load(1);
    void loadRequests().catch(() => {});
    return followMatchingNews();
  }, [i18n.resolvedLanguage]);

  const hide = (userId: string) => {
    setItems((list) => list?.filter((p) => p.userId !== userId) ?? null);
    setResults((list) => list?.filter((p) => p.userId !== userId) ?? null);
  };
  const shown = results ?? items;

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <MatchingTabs />
      </div>
      <QuickMatch />
      <SearchForm onResults={setResults} />
      <FormProblem problem={problem} />
      {shown?.length === 0 &&
        (results ? (
          <p className="card text-center text-slate-600">{t('search.empty')}</p>
        ) : (
          <div className="card space-y-3 text-center text-slate-600">
            <p>{t('recommendations.empty')}</p>
            <div className="flex flex-wrap justify-center gap-2">
              <Link to="/profile" className="btn-secondary">
                {t('recommendations.toProfile')}
              </Link>
              <Link to="/mates" className="btn-secondary">
                {t('recommendations.toMates')}
              </Link>
            </div>
          </div>
        ))}
      <div className="grid gap-4 md:grid-cols-2">
        {shown?.map((partner) => (
          <PartnerCardView key={partner.userId} partner={partner} onBlocked={() => hide(partner.userId)} />
        ))}
      </div>
      {!results && nextPage && (
        <div className="text-center">
          <button type="button" className="btn-secondary" onClick={() => void load(nextPage)}>
            {t('recommendations.more')}
          </button>
        </div>
      )}
    </section>
  );
}
