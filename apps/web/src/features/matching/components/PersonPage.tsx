import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { PartnerCard } from '@studymate/contracts';
import { errorProblem, FormProblem } from '../../../components/form';
import { currentUiLanguage } from '../../../i18n';
import { fetchPerson } from '../api';
import { MATCHING_NS } from '../i18n';
import { PartnerCardView } from './PartnerCardView';

/** `/matching/people/:userId`: one candidate's profile, with a request and a block. */
export function PersonPage() {
  const { t, i18n } = useTranslation(MATCHING_NS);
  const { userId = '' } = useParams();
  const navigate = useNavigate();
  const [person, setPerson] = useState<PartnerCard | null>(null);
  const [problem, setProblem] = useState<ReturnType<typeof errorProblem>>();
  useEffect(() => {
    fetchPerson(userId, currentUiLanguage()).then(setPerson, (error: unknown) => setProblem(errorProblem(error)));
  }, [userId, i18n.resolvedLanguage]);
  return (
    <section className="space-y-4">
      <button type="button" className="btn-link" onClick={() => navigate(-1)}>
        ← {t('person.back')}
      </button>
      <FormProblem problem={problem} />
      {person && <PartnerCardView partner={person} showIntro onBlocked={() => navigate('/matching', { replace: true })} />}
    </section>
  );
}
